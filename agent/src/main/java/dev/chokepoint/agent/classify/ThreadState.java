package dev.chokepoint.agent.classify;

/** What one sampled thread was doing. */
public enum ThreadState {
    /** Inside a blocking buffer request. */
    IN_BUFFER_REQUEST,
    /** Parked waiting for work: Flink's mailbox (1.10+) or input (1.9), not in a buffer request. */
    WAITING_FOR_WORK,
    /** Anything else: running, or waiting on something of its own (user code, I/O, locks). */
    BUSY
}

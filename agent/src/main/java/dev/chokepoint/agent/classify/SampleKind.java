package dev.chokepoint.agent.classify;

/**
 * One subtask's sample, as Flink 1.15+ splits a task's time. Hard: a thread of the subtask is in
 * a buffer request. Soft: the task waits for work while one of its outputs is unavailable (it
 * suspended itself because it could not write). Idle: it waits for work with its outputs
 * available. Busy: anything else; its {@link ThreadState} says why.
 */
public enum SampleKind {
    HARD, SOFT, IDLE, BUSY;

    public static SampleKind of(boolean anyThreadInBufferRequest, ThreadState executingThread,
                                boolean outputUnavailable) {
        if (anyThreadInBufferRequest) {
            return HARD;
        }
        if (executingThread == ThreadState.WAITING_FOR_WORK) {
            return outputUnavailable ? SOFT : IDLE;
        }
        return BUSY;
    }
}

package dev.chokepoint.agent.classify;

/**
 * What one sampled thread was doing. The busy states say why the thread is not processing at full
 * speed: they become the subtask's busy causes.
 */
public enum ThreadState {
    /** Inside a blocking buffer request. */
    IN_BUFFER_REQUEST,
    /** In the task's own wait for work: Flink's mailbox loop with its default action suspended (1.10+), or its input wait (1.9). */
    WAITING_FOR_WORK,
    /** RUNNABLE: on a CPU, or in native code such as a socket read (told apart by the thread's CPU time). */
    RUNNING,
    /** BLOCKED on a monitor, or parked on a lock another thread owns. */
    LOCKED,
    /** In {@code Thread.sleep}. */
    SLEEPING,
    /**
     * Waiting for another thread or system: a mailbox yield inside processing (async I/O with a full
     * queue), a bounded queue, a future, a producer's buffer, {@code Object.wait}.
     */
    WAITING_EXTERNAL,
    /** Busy, none of the above (parked without a blocker, for instance). */
    BUSY_OTHER;

    /** Neither blocked in a buffer request nor waiting for work: Flink's busy time. */
    public boolean busy() {
        return this != IN_BUFFER_REQUEST && this != WAITING_FOR_WORK;
    }
}

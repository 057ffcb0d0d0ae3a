package dev.chokepoint.api;

/**
 * One subtask, as {@link ObjectNames#task(String, String, String)} (Flink) or {@link ObjectNames#task(String)}. Attribute names ({@link TaskAttributes}) are a
 * contract: the CLI, the tests and users' jmx_exporter rules read them. Ratios are over the
 * sliding window of samples; buffer usages are read from the task's pools when asked.
 */
public interface TaskMXBean {
    /** The task thread's name, which is the subtask's name, e.g. {@code MapOp (1/2)#0}. */
    String getThread();

    /** The Flink job's name; empty for threads that are not a Flink task's. */
    String getJob();

    /** The Flink job's id (32 hex digits); empty for threads that are not a Flink task's. */
    String getJobId();

    String getVertex();

    /** 0-based subtask index. */
    int getSubtask();

    int getParallelism();

    /** Flink's execution attempt ({@code #n} in the name, 1.12+), -1 when the name has none. */
    int getAttempt();

    /** Backpressured (hard + soft) samples / samples, 0..1. */
    double getBackPressureRatio();

    /** {@code OK}, {@code LOW} or {@code HIGH}, from {@link #getBackPressureRatio()} and the thresholds. */
    String getBackPressureLevel();

    /** 0 OK, 1 LOW, 2 HIGH. */
    int getLevelCode();

    int getSamples();

    /** Backpressured (hard + soft) samples. */
    int getBlockedSamples();

    /** Samples in which a thread of the subtask was inside a blocking buffer request. */
    double getHardBackPressureRatio();

    /** Samples in which the task waited for work while one of its outputs was unavailable. */
    double getSoftBackPressureRatio();

    /** Samples in which the task waited for work with its outputs available. */
    double getIdleRatio();

    double getBusyRatio();

    /** Flink's outPoolUsage: used / size over the output buffer pools; NaN without outputs or pool access. */
    double getOutPoolUsage();

    /** Flink's inPoolUsage (1.9+ credit-based): floating and exclusive together; NaN without inputs. */
    double getInPoolUsage();

    /** Flink's inputFloatingBuffersUsage; NaN without inputs. */
    double getFloatingBuffersUsage();

    /** Flink's inputExclusiveBuffersUsage; NaN without inputs. */
    double getExclusiveBuffersUsage();

    /**
     * Input channels that read over the network (-1 without inputs). With none, every input is a
     * local channel, which holds no buffers of its own: the input usages then read 0 whatever the load.
     */
    int getRemoteInputChannels();

    /** Milliseconds per second spent in blocking buffer requests, measured exactly; NaN when not instrumented. */
    double getBackPressuredTimeMsPerSecond();

    /** Buffer-request wait percentiles over the last full window; NaN when there was none. */
    double getBufferWaitP50Micros();

    double getBufferWaitP99Micros();

    double getBufferWaitMaxMicros();

    /** IDs of the result partitions this subtask writes; empty when unknown. */
    String[] getProducedPartitions();

    /**
     * IDs of the result partitions this subtask reads: a subtask whose {@link #getProducedPartitions()}
     * has one of them feeds this one. Together they give the job's edges and order.
     */
    String[] getConsumedPartitions();

    /**
     * Share of the window on a CPU: the subtask's threads' CPU time over wall time, at most the
     * share of its samples that were running. The cause ratios below add up to {@link #getBusyRatio()}.
     */
    double getCpuRatio();

    /** Share of the window lost to the JVM's GC pauses while busy (JVM-wide pause time x busy share). */
    double getGcRatio();

    /** Share of the window blocked on a monitor or parked on a lock another thread owns. */
    double getLockRatio();

    /** Share of the window running but not on a CPU: native socket or file I/O (or waiting for a core). */
    double getIoRatio();

    /** Share of the window in {@code Thread.sleep}. */
    double getSleepRatio();

    /** Share of the window waiting for another thread or system: a mailbox yield (async I/O), a queue, a future, {@code Object.wait}. */
    double getExternalWaitRatio();

    /** Share of the window busy for none of the reasons above. */
    double getOtherBusyRatio();

    /** The dominant cause of the busy time ({@link Cause} name), {@code NONE} when busy at most {@code low}. */
    String getCause();

    /** The thread that owned the lock the subtask last waited for in the window; empty when it waited for none. */
    String getLockOwner();

    /** The class of that lock, e.g. {@code java.lang.Object}; empty when it waited for none. */
    String getLockClass();

    /** The top user frames of the subtask's busy stack reads, each {@code Class.method share%}, most frequent first. */
    String[] getHotFrames();

    /** Flink's {@code numRecordsIn} of the task, read from the task itself; -1 when unknown. */
    long getRecordsIn();

    /**
     * {@link Persistence} name over the history: {@code NONE} without a backpressured point,
     * {@code PERSISTENT} when at least {@link Settings#PERSISTENT_SHARE} of the recorded points are
     * backpressured or an ongoing episode has lasted {@link Settings#PERSISTENT_AFTER}, else {@code TEMPORARY}.
     */
    String getPersistence();

    /**
     * The episodes within the history, oldest first, at most the latest {@code 64}: spans of
     * backpressured (LOW or HIGH) steps, a single OK step inside one not splitting it.
     */
    Episode[] getEpisodes();

    /**
     * The back-pressure ratio of each step of the history, oldest first: the share of that step's
     * samples that were backpressured. The newest point ended at {@link #getHistoryEndMillis()}, each
     * one before it {@link #getHistoryStepMillis()} earlier. Empty with {@code history=0}.
     */
    double[] getHistory();

    /** The time between two points of {@link #getHistory()}. */
    long getHistoryStepMillis();

    /** Epoch milliseconds at which the newest point of {@link #getHistory()} ended; -1 without points. */
    long getHistoryEndMillis();
}

package dev.chokepoint.api;

/** The agent itself, as {@link ObjectNames#AGENT}. Attribute names: {@link AgentAttributes}. */
public interface AgentMXBean {
    String getVersion();

    /** Effective settings, in the agent argument syntax; for people. Programs read the typed attributes below. */
    String getConfig();

    /** {@link Settings#SAMPLES}: samples per subtask in a full window. */
    int getSamples();

    /** {@link Settings#DELAY}: time between samples. */
    long getDelayMillis();

    /** {@link Settings#LOW}: a ratio at or below it is OK. */
    double getLow();

    /** {@link Settings#HIGH}: a ratio at or below it is LOW, above it HIGH. */
    double getHigh();

    /** {@link Settings#HISTORY}: how far back each subtask's history reaches; 0 keeps none. */
    long getHistoryMillis();

    /** {@link Settings#HISTORY_STEP}: the time between two points of a history. */
    long getHistoryStepMillis();

    /** {@link Settings#PERSISTENT_AFTER}: an ongoing episode this long makes its subtask PERSISTENT. */
    long getPersistentAfterMillis();

    /** {@link Settings#THREADS}: the thread-name regex, empty for Flink's task threads. */
    String getThreads();

    /** {@link Settings#FRAMES}: extra blocking frames, {@code ;}-separated, empty for none. */
    String getFrames();

    /** {@link Settings#DEPTH}: stack frames read per walked thread. */
    int getDepth();

    /** {@link Settings#INSTRUMENT}: whether timing of buffer requests is asked for (see {@link #getInstrumentation()} for whether it runs). */
    boolean isInstrument();

    /** {@link Settings#FLINK_METRICS}: whether the subtasks' figures are published as Flink metrics too. */
    boolean isFlinkMetrics();

    /** Task threads sampled at the last tick. */
    int getTaskThreads();

    /** Task threads whose stack the last tick had to read; the others were settled by their state alone. */
    int getWalkedThreads();

    /** Subtasks currently reported (one MBean each). */
    int getSubtasks();

    long getSamplingTicks();

    /** Ticks that failed with an error; sampling goes on after one. */
    long getSamplingErrors();

    /** Wall time of the last sampling tick. */
    double getLastTickMicros();

    /** 99th percentile of the tick time over the last full window of ticks (the current one until then). */
    double getTickP99Micros();

    double getTickMaxMicros();

    /**
     * CPU time the sampler thread has used since it started, or -1 where the JVM does not measure
     * thread CPU time. Unlike the tick times, not inflated by a busy machine: divided by the
     * elapsed time, the share of one core the agent costs.
     */
    long getSamplerCpuTimeNanos();

    /**
     * What the buffer-request instrumentation times, or why it is off. {@code timing <Class.method: wait call>, …}
     * lists only rewrites whose written code was checked to call the bridge; a loaded buffer-pool
     * class that times nothing follows {@code not timed: } with the reason ({@code not timing: …}
     * when no class is timed), and then every subtask's blocked time reads NaN. {@code off: …}
     * says why timing is off altogether, e.g. a bridge of another agent build on the bootstrap class path.
     */
    String getInstrumentation();

    /** Errors inside our code on Flink's buffer-request path (each swallowed; Flink never sees them). */
    long getInstrumentationErrors();

    /** Threads whose buffer requests have been timed and are still alive. */
    int getTimedThreads();

    /**
     * Applies new settings given in the agent argument syntax; settings not named return to their
     * defaults. Returns the effective settings, or the error and keeps the current ones.
     */
    String reconfigure(String arguments);

    /**
     * Takes the agent out of this JVM: original bytecode restored, sampler thread ended, MBeans
     * unregistered. Returns {@code detached} (or what could not be undone).
     */
    String detach();
}

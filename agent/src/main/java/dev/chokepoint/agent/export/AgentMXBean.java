package dev.chokepoint.agent.export;

/** The agent itself, as {@code chokepoint:type=Agent}. */
public interface AgentMXBean {
    String getVersion();

    /** Effective settings, in the agent argument syntax. */
    String getConfig();

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

    /** What the buffer-request instrumentation times, or why it is off. */
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

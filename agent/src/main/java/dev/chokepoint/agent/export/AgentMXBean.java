package dev.chokepoint.agent.export;

/** The agent itself, as {@code chokepoint:type=Agent}. */
public interface AgentMXBean {
    String getVersion();

    /** Effective settings, in the agent argument syntax. */
    String getConfig();

    /** Task threads sampled at the last tick. */
    int getTaskThreads();

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
     * Applies new settings given in the agent argument syntax; settings not named return to their
     * defaults. Returns the effective settings, or the error and keeps the current ones.
     */
    String reconfigure(String arguments);
}

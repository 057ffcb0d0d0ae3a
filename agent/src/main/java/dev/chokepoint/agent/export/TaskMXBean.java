package dev.chokepoint.agent.export;

/**
 * One subtask, as {@code chokepoint:type=Task,name=<quoted subtask name>}. Attribute names are a
 * contract: the CLI, the tests and users' jmx_exporter rules read them.
 */
public interface TaskMXBean {
    /** The task thread's name, which is the subtask's name, e.g. {@code MapOp (1/2)#0}. */
    String getThread();

    String getVertex();

    /** 0-based subtask index. */
    int getSubtask();

    int getParallelism();

    /** Flink's execution attempt ({@code #n} in the name, 1.12+), -1 when the name has none. */
    int getAttempt();

    /** Blocked samples / samples over the sliding window, 0..1. */
    double getBackPressureRatio();

    /** {@code OK}, {@code LOW} or {@code HIGH}, by the configured thresholds. */
    String getBackPressureLevel();

    /** 0 OK, 1 LOW, 2 HIGH. */
    int getLevelCode();

    int getSamples();

    int getBlockedSamples();
}

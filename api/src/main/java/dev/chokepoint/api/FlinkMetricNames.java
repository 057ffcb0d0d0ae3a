package dev.chokepoint.api;

/**
 * The names of the Flink metrics the agent publishes per subtask, in the task's metric group
 * {@link #GROUP}: a reader of Flink's REST API or of a metrics reporter finds
 * {@code <GROUP>.<name>} there (over REST, {@code <subtask index>.chokepoint.busyRatio}).
 * Ratios are shares of the agent's sample window (0..1), as the Task MBean's attributes of the
 * same meaning; {@link #CAUSE} is a {@link Cause} name.
 */
public final class FlinkMetricNames {

    public static final String GROUP = "chokepoint";

    public static final String BACK_PRESSURE_RATIO = "backPressureRatio";
    /** {@link BackPressureLevel#code()}. */
    public static final String LEVEL_CODE = "levelCode";
    public static final String HARD_RATIO = "hardRatio";
    public static final String SOFT_RATIO = "softRatio";
    public static final String IDLE_RATIO = "idleRatio";
    public static final String BUSY_RATIO = "busyRatio";
    public static final String BLOCKED_TIME_MS_PER_SECOND = "blockedTimeMsPerSecond";
    public static final String BUFFER_WAIT_P99_MICROS = "bufferWaitP99Micros";
    public static final String CPU_RATIO = "cpuRatio";
    public static final String GC_RATIO = "gcRatio";
    public static final String LOCK_RATIO = "lockRatio";
    public static final String IO_RATIO = "ioRatio";
    public static final String SLEEP_RATIO = "sleepRatio";
    public static final String EXTERNAL_WAIT_RATIO = "externalWaitRatio";
    public static final String OTHER_BUSY_RATIO = "otherBusyRatio";
    public static final String CAUSE = "cause";

    private FlinkMetricNames() {
    }
}

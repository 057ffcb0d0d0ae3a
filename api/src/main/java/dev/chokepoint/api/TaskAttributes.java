package dev.chokepoint.api;

/**
 * The attribute names of {@link TaskMXBean}, for clients that read several at once with
 * {@code getAttributes} (one round trip, one consistent reading). {@code ContractTest} checks that
 * each names a getter of the interface and that every getter has one.
 */
public final class TaskAttributes {

    public static final String THREAD = "Thread";
    public static final String JOB = "Job";
    public static final String JOB_ID = "JobId";
    public static final String VERTEX = "Vertex";
    public static final String SUBTASK = "Subtask";
    public static final String PARALLELISM = "Parallelism";
    public static final String ATTEMPT = "Attempt";
    public static final String BACK_PRESSURE_RATIO = "BackPressureRatio";
    /** Also the attribute of the {@code AttributeChangeNotification} a subtask sends when its level changes. */
    public static final String BACK_PRESSURE_LEVEL = "BackPressureLevel";
    public static final String LEVEL_CODE = "LevelCode";
    public static final String SAMPLES = "Samples";
    public static final String BLOCKED_SAMPLES = "BlockedSamples";
    public static final String HARD_BACK_PRESSURE_RATIO = "HardBackPressureRatio";
    public static final String SOFT_BACK_PRESSURE_RATIO = "SoftBackPressureRatio";
    public static final String IDLE_RATIO = "IdleRatio";
    public static final String BUSY_RATIO = "BusyRatio";
    public static final String OUT_POOL_USAGE = "OutPoolUsage";
    public static final String IN_POOL_USAGE = "InPoolUsage";
    public static final String FLOATING_BUFFERS_USAGE = "FloatingBuffersUsage";
    public static final String EXCLUSIVE_BUFFERS_USAGE = "ExclusiveBuffersUsage";
    public static final String REMOTE_INPUT_CHANNELS = "RemoteInputChannels";
    public static final String BACK_PRESSURED_TIME_MS_PER_SECOND = "BackPressuredTimeMsPerSecond";
    public static final String BUFFER_WAIT_P50_MICROS = "BufferWaitP50Micros";
    public static final String BUFFER_WAIT_P99_MICROS = "BufferWaitP99Micros";
    public static final String BUFFER_WAIT_MAX_MICROS = "BufferWaitMaxMicros";
    public static final String PRODUCED_PARTITIONS = "ProducedPartitions";
    public static final String CONSUMED_PARTITIONS = "ConsumedPartitions";

    public static final String CPU_RATIO = "CpuRatio";
    public static final String GC_RATIO = "GcRatio";
    public static final String LOCK_RATIO = "LockRatio";
    public static final String IO_RATIO = "IoRatio";
    public static final String SLEEP_RATIO = "SleepRatio";
    public static final String EXTERNAL_WAIT_RATIO = "ExternalWaitRatio";
    public static final String OTHER_BUSY_RATIO = "OtherBusyRatio";
    public static final String CAUSE = "Cause";
    public static final String LOCK_OWNER = "LockOwner";
    public static final String LOCK_CLASS = "LockClass";
    public static final String HOT_FRAMES = "HotFrames";
    public static final String RECORDS_IN = "RecordsIn";

    /** A {@link Persistence} name. */
    public static final String PERSISTENCE = "Persistence";
    /** {@code CompositeData[]}, items named by {@link Episode}'s constants, oldest first. */
    public static final String EPISODES = "Episodes";
    /** {@code double[]}, oldest first: one back-pressure ratio per {@link #HISTORY_STEP_MILLIS}. */
    public static final String HISTORY = "History";
    public static final String HISTORY_STEP_MILLIS = "HistoryStepMillis";
    /** Epoch milliseconds at which the newest point of {@link #HISTORY} ended; -1 without points. */
    public static final String HISTORY_END_MILLIS = "HistoryEndMillis";

    private TaskAttributes() {
    }
}

package dev.chokepoint.api;

/**
 * Field names of {@code chokepoint status --json}: one object per reading. Names follow Flink's
 * REST API where Flink has the same figure ({@code ratio}, {@code idleRatio}, {@code busyRatio},
 * {@code subtask} 0-based) and Flink's metric names for the pool gauges.
 */
public final class StatusJson {

    // the reading
    public static final String PID = "pid";
    public static final String AGENT_VERSION = "agentVersion";
    public static final String TIMESTAMP = "timestamp";
    /**
     * False while any subtask has fewer samples than the window (right after an attach): its ratios,
     * levels and the origin's cause are provisional. Always true for a job read through the REST API.
     */
    public static final String WINDOW_FULL = "windowFull";
    public static final String VERTICES = "vertices";
    public static final String ORIGIN = "origin";
    /** Every origin of a job (one per bottleneck: per branch of a fan-out, per slow operator), each shaped as {@link #ORIGIN}. */
    public static final String ORIGINS = "origins";
    /** Several jobs in one JVM (a shared session TaskManager): one object per job, {@link #NAME}, {@link #ID}, vertices, origin, origins. */
    public static final String JOBS = "jobs";
    public static final String ID = "id";
    // the reading of a whole job through Flink's REST API (status --rest): pid and agentVersion are null
    public static final String REST = "rest";
    public static final String JOB_ID = "jobId";
    public static final String JOB = "job";
    public static final String JOB_STATE = "jobState";
    /** How subtasks were judged, what is missing (TaskManagers without the agent) and how to add it. */
    public static final String NOTES = "notes";

    // a vertex
    public static final String NAME = "name";
    public static final String BACKPRESSURE_LEVEL = "backpressureLevel";
    public static final String RATIO = "ratio";
    public static final String SUBTASKS = "subtasks";

    // a subtask (also BACKPRESSURE_LEVEL and RATIO)
    public static final String SUBTASK = "subtask";
    public static final String THREAD = "thread";
    /** Samples in the subtask's window so far (the window's size once full); null for a job read through the REST API. */
    public static final String SAMPLES = "samples";
    public static final String HARD_RATIO = "hardRatio";
    public static final String SOFT_RATIO = "softRatio";
    public static final String IDLE_RATIO = "idleRatio";
    public static final String BUSY_RATIO = "busyRatio";
    public static final String OUT_POOL_USAGE = "outPoolUsage";
    public static final String IN_POOL_USAGE = "inPoolUsage";
    public static final String FLOATING_BUFFERS_USAGE = "floatingBuffersUsage";
    public static final String EXCLUSIVE_BUFFERS_USAGE = "exclusiveBuffersUsage";
    public static final String BACK_PRESSURED_TIME_MS_PER_SECOND = "backPressuredTimeMsPerSecond";
    // a subtask: why it is busy (shares of the window, adding up to busyRatio), as the agent's Task MBean reports it
    public static final String CPU_RATIO = "cpuRatio";
    public static final String GC_RATIO = "gcRatio";
    public static final String LOCK_RATIO = "lockRatio";
    public static final String IO_RATIO = "ioRatio";
    public static final String SLEEP_RATIO = "sleepRatio";
    public static final String EXTERNAL_WAIT_RATIO = "externalWaitRatio";
    public static final String OTHER_BUSY_RATIO = "otherBusyRatio";
    /** A {@link Cause} name: of a subtask, its dominant busy cause; of the origin, why it is the bottleneck. */
    public static final String CAUSE = "cause";
    public static final String LOCK_OWNER = "lockOwner";
    public static final String HOT_FRAMES = "hotFrames";
    /** Flink's {@code numRecordsIn} of the subtask. */
    public static final String RECORDS_IN = "recordsIn";
    // a subtask: its history (agent readings only)
    /** A {@link Persistence} name. */
    public static final String PERSISTENCE = "persistence";
    /** Array of objects with the items of {@link Episode} ({@code start}, {@code end} null while ongoing, ...), oldest first. */
    public static final String EPISODES = "episodes";
    /** Array of ratios, oldest first, one per {@link #HISTORY_STEP_MILLIS}. */
    public static final String HISTORY = "history";
    public static final String HISTORY_STEP_MILLIS = "historyStepMillis";
    /**
     * Of an episode read through Flink's REST API: the ids of the job's checkpoints (of the
     * JobManager's latest few) that ran during it, oldest first.
     */
    public static final String CHECKPOINTS = "checkpoints";
    /** Epoch milliseconds at which the newest history point ended. */
    public static final String HISTORY_END_MILLIS = "historyEndMillis";
    /** Who kept the history: {@link #HISTORY_FROM_AGENT} or {@link #HISTORY_FROM_WATCH}; null where none is kept. */
    public static final String HISTORY_FROM = "historyFrom";
    /** The agent, one point per {@code historyStep}, whether anyone watched or not. */
    public static final String HISTORY_FROM_AGENT = "agent";
    /**
     * The CLI itself, from its own readings while it watches ({@code status --rest --watch}), one
     * point per reading: for subtasks whose metrics carry no history (Flink's own metrics).
     */
    public static final String HISTORY_FROM_WATCH = "watch";
    // a subtask: where it runs (null when read from one JVM) and what its level was judged from
    public static final String TASK_MANAGER = "taskManager";
    public static final String HOST = "host";
    /** {@code agent}, {@code flink} (Flink's own time metrics, 1.13+) or {@code none}. */
    public static final String JUDGED_BY = "judgedBy";

    // the origin (also CAUSE, and SUBTASKS: the 0-based indexes of its bottleneck subtasks)
    public static final String VERTEX = "vertex";
    public static final String REASON = "reason";
    public static final String EVIDENCE = "evidence";

    private StatusJson() {
    }
}

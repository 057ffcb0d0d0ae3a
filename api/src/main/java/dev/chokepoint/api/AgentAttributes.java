package dev.chokepoint.api;

/**
 * The attribute and operation names of {@link AgentMXBean}, for clients that read it with
 * {@code getAttribute(s)} rather than through a proxy. {@code ContractTest} checks that each names a
 * getter of the interface, so a renamed getter breaks the build of whoever reads it.
 */
public final class AgentAttributes {

    public static final String VERSION = "Version";
    public static final String CONFIG = "Config";
    public static final String SAMPLES = "Samples";
    public static final String DELAY_MILLIS = "DelayMillis";
    public static final String LOW = "Low";
    public static final String HIGH = "High";
    public static final String THREADS = "Threads";
    public static final String FRAMES = "Frames";
    public static final String DEPTH = "Depth";
    public static final String INSTRUMENT = "Instrument";
    public static final String FLINK_METRICS = "FlinkMetrics";
    public static final String HISTORY_MILLIS = "HistoryMillis";
    public static final String HISTORY_STEP_MILLIS = "HistoryStepMillis";
    public static final String PERSISTENT_AFTER_MILLIS = "PersistentAfterMillis";
    public static final String TASK_THREADS = "TaskThreads";
    public static final String WALKED_THREADS = "WalkedThreads";
    public static final String SUBTASKS = "Subtasks";
    public static final String SAMPLING_TICKS = "SamplingTicks";
    public static final String SAMPLING_ERRORS = "SamplingErrors";
    public static final String LAST_TICK_MICROS = "LastTickMicros";
    public static final String TICK_P99_MICROS = "TickP99Micros";
    public static final String TICK_MAX_MICROS = "TickMaxMicros";
    public static final String SAMPLER_CPU_TIME_NANOS = "SamplerCpuTimeNanos";
    public static final String INSTRUMENTATION = "Instrumentation";
    public static final String INSTRUMENTATION_ERRORS = "InstrumentationErrors";
    public static final String TIMED_THREADS = "TimedThreads";

    /** Operation: {@link AgentMXBean#reconfigure(String)}. */
    public static final String RECONFIGURE = "reconfigure";
    /** Operation: {@link AgentMXBean#detach()}. */
    public static final String DETACH = "detach";

    private AgentAttributes() {
    }
}

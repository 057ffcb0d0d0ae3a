package dev.chokepoint.api;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The agent's setting keys, with their defaults and accepted ranges: the agent parses them, the
 * CLI's {@code --set} checks them, the README lists them. Given as {@code key=value,...} in the agent
 * argument, as {@code -Dchokepoint.<key>} or in a {@code config=} file.
 */
public final class Settings {

    /** Samples per subtask in the sliding window. */
    public static final String SAMPLES = "samples";
    public static final int SAMPLES_DEFAULT = 100;
    public static final int SAMPLES_MIN = 1;
    /** The window packs its counts into one long, 16 bits each, so that a JMX read is lock-free and consistent. */
    public static final int SAMPLES_MAX = 65_535;

    /** Time between samples: {@code ms} or {@code s} suffix, a bare number is ms. */
    public static final String DELAY = "delay";
    public static final long DELAY_MILLIS_DEFAULT = 50;
    public static final long DELAY_MILLIS_MIN = 1;
    public static final long DELAY_MILLIS_MAX = 3_600_000;

    /** Ratio at or below which a subtask is OK. */
    public static final String LOW = "low";
    public static final double LOW_DEFAULT = 0.10;

    /** Ratio at or below which a subtask is LOW; above it, HIGH. */
    public static final String HIGH = "high";
    public static final double HIGH_DEFAULT = 0.5;

    /** Regex found in thread names that selects task threads; unset: Flink's task threads. */
    public static final String THREADS = "threads";

    /** Extra {@code fully.qualified.Class#method} signatures, {@code ;}-separated, that mark a thread as blocked. */
    public static final String FRAMES = "frames";

    /** Stack frames read per walked thread. */
    public static final String DEPTH = "depth";
    public static final int DEPTH_DEFAULT = 16;
    public static final int DEPTH_MIN = 4;
    public static final int DEPTH_MAX = 1024;

    /** Whether blocking buffer requests are timed by bytecode instrumentation. */
    public static final String INSTRUMENT = "instrument";
    public static final boolean INSTRUMENT_DEFAULT = true;

    /**
     * Whether each subtask's figures are also registered as Flink metrics in its task's metric group
     * (under {@link FlinkMetricNames#GROUP}), so that Flink's REST API, web UI and reporters carry them.
     */
    public static final String FLINK_METRICS = "flinkMetrics";
    public static final boolean FLINK_METRICS_DEFAULT = true;

    /**
     * How far back each subtask's history of back-pressure ratios reaches ({@code ms}, {@code s},
     * {@code m} or {@code h} suffix, a bare number is ms); {@code 0} keeps no history. The history
     * holds {@code history / historyStep} points, at most {@link #HISTORY_POINTS_MAX}, in fixed memory.
     */
    public static final String HISTORY = "history";
    public static final long HISTORY_MILLIS_DEFAULT = 600_000;
    /** Bounds the memory of a subtask's history whatever the settings: 2 bytes a point. */
    public static final int HISTORY_POINTS_MAX = 3600;

    /** Time between two points of the history; each point is the back-pressure ratio of the samples taken in that step. */
    public static final String HISTORY_STEP = "historyStep";
    public static final long HISTORY_STEP_MILLIS_DEFAULT = 1000;
    public static final long HISTORY_STEP_MILLIS_MIN = 100;
    public static final long HISTORY_STEP_MILLIS_MAX = 3_600_000;

    /** An ongoing episode this long makes its subtask {@link Persistence#PERSISTENT}, whatever the rest of the history. */
    public static final String PERSISTENT_AFTER = "persistentAfter";
    public static final long PERSISTENT_AFTER_MILLIS_DEFAULT = 60_000;
    /** The share of the recorded history points that are backpressured from which a subtask is {@link Persistence#PERSISTENT}. */
    public static final double PERSISTENT_SHARE = 0.8;
    /**
     * OK points in a row that end an episode (fewer stay inside it): the agent's rule, and the
     * CLI's for the history it keeps itself while it watches subtasks without the agent's.
     */
    public static final int EPISODE_END_OK_POINTS = 2;

    /** A properties file with any of the other keys. */
    public static final String CONFIG = "config";

    /** Every key, in the order the agent prints its settings. */
    public static final List<String> KEYS = Collections.unmodifiableList(
            Arrays.asList(SAMPLES, DELAY, LOW, HIGH, THREADS, FRAMES, DEPTH, INSTRUMENT, FLINK_METRICS, HISTORY,
                    HISTORY_STEP, PERSISTENT_AFTER, CONFIG));

    private Settings() {
    }
}

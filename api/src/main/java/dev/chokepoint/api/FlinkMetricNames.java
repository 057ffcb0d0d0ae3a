package dev.chokepoint.api;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The names under which the agent registers each subtask's figures as Flink metrics, in the task's
 * own metric group ({@code <host>.taskmanager.<tm>.<job>.<task>.<subtask>}), sub-group {@link #GROUP}.
 * Flink then shows them with its own job, task and subtask labels: in its REST API as
 * {@code <subtask>.chokepoint.<name>} of a vertex ({@link #restId}), in its JMX reporter under the
 * domain {@code org.apache.flink.taskmanager.job.task.chokepoint.<name>}, in its Prometheus reporter
 * as {@code flink_taskmanager_job_task_chokepoint_<name>}. Each is the Task MBean's attribute of the
 * same meaning ({@link TaskAttributes}); {@link #NUMBERS} are numeric gauges (NaN while the agent
 * cannot say, e.g. after a detach), {@link #CAUSE} is text (empty then).
 */
public final class FlinkMetricNames {

    /** The sub-group of the task's metric group that holds the agent's metrics. */
    public static final String GROUP = "chokepoint";

    /** {@link TaskAttributes#BACK_PRESSURE_RATIO}. */
    public static final String BACK_PRESSURE_RATIO = "backPressureRatio";
    /** {@link TaskAttributes#LEVEL_CODE}: 0 OK, 1 LOW, 2 HIGH. */
    public static final String LEVEL_CODE = "levelCode";
    /** {@link TaskAttributes#HARD_BACK_PRESSURE_RATIO}. */
    public static final String HARD_RATIO = "hardRatio";
    /** {@link TaskAttributes#SOFT_BACK_PRESSURE_RATIO}. */
    public static final String SOFT_RATIO = "softRatio";
    /** {@link TaskAttributes#IDLE_RATIO}. */
    public static final String IDLE_RATIO = "idleRatio";
    /** {@link TaskAttributes#BUSY_RATIO}. */
    public static final String BUSY_RATIO = "busyRatio";
    /** {@link TaskAttributes#BACK_PRESSURED_TIME_MS_PER_SECOND}: ms per second in blocking buffer requests. */
    public static final String BLOCKED_TIME_MS_PER_SECOND = "blockedTimeMsPerSecond";
    /** {@link TaskAttributes#BUFFER_WAIT_P99_MICROS}. */
    public static final String BUFFER_WAIT_P99_MICROS = "bufferWaitP99Micros";
    /** {@link TaskAttributes#CPU_RATIO}. */
    public static final String CPU_RATIO = "cpuRatio";
    /** {@link TaskAttributes#GC_RATIO}. */
    public static final String GC_RATIO = "gcRatio";
    /** {@link TaskAttributes#LOCK_RATIO}. */
    public static final String LOCK_RATIO = "lockRatio";
    /** {@link TaskAttributes#IO_RATIO}. */
    public static final String IO_RATIO = "ioRatio";
    /** {@link TaskAttributes#SLEEP_RATIO}. */
    public static final String SLEEP_RATIO = "sleepRatio";
    /** {@link TaskAttributes#EXTERNAL_WAIT_RATIO}. */
    public static final String EXTERNAL_WAIT_RATIO = "externalWaitRatio";
    /** {@link TaskAttributes#OTHER_BUSY_RATIO}. */
    public static final String OTHER_BUSY_RATIO = "otherBusyRatio";
    /** {@link TaskAttributes#CAUSE}: a String gauge, e.g. {@code CPU}, {@code NONE}. */
    public static final String CAUSE = "cause";

    /**
     * One text gauge of every figure of the subtask, {@link #FIGURE_FIELDS} in order, joined by
     * {@link #FIELD_SEPARATOR} (numbers as {@link Double#toString}, {@code NaN} when unknown; the cause by
     * name). It exists for Flink's REST API: a reader of a vertex of 1,000 subtasks asks one id per
     * subtask instead of 16, so the request lines Flink's REST server caps at 4096 characters carry
     * 180 subtasks instead of 9. Reporters that take numbers only (Prometheus) skip it; the single
     * gauges stay for them.
     */
    public static final String FIGURES = "figures";
    /**
     * The subtask's history (its points and latest episodes) as one text gauge, in
     * {@link HistoryText}'s form: for readers of Flink's REST API, which show the history of a
     * subtask whose TaskManager they cannot reach over JMX.
     */
    public static final String HISTORY = "history";
    /** Between two fields of {@link #FIGURES}; no field's text contains it. */
    public static final String FIELD_SEPARATOR = ",";

    /** The numeric metrics, in the order they are registered. */
    public static final List<String> NUMBERS = Collections.unmodifiableList(Arrays.asList(
            BACK_PRESSURE_RATIO, LEVEL_CODE, HARD_RATIO, SOFT_RATIO, IDLE_RATIO, BUSY_RATIO,
            BLOCKED_TIME_MS_PER_SECOND, BUFFER_WAIT_P99_MICROS, CPU_RATIO, GC_RATIO, LOCK_RATIO, IO_RATIO,
            SLEEP_RATIO, EXTERNAL_WAIT_RATIO, OTHER_BUSY_RATIO));

    /** Every metric of a subtask: {@link #NUMBERS}, then {@link #CAUSE}. */
    public static final List<String> ALL;

    static {
        String[] all = NUMBERS.toArray(new String[NUMBERS.size() + 1]);
        all[NUMBERS.size()] = CAUSE;
        ALL = Collections.unmodifiableList(Arrays.asList(all));
    }

    /** Every gauge the agent registers in the group: {@link #ALL}, then {@link #FIGURES} and {@link #HISTORY}. */
    public static final List<String> GAUGES;

    static {
        List<String> gauges = new java.util.ArrayList<>(ALL);
        gauges.add(FIGURES);
        gauges.add(HISTORY);
        GAUGES = Collections.unmodifiableList(gauges);
    }

    /**
     * The fields of {@link #FIGURES}, in order: {@link #ALL}, then the buffer pools the agent reads
     * (the Task MBean's {@code OutPoolUsage}, {@code InPoolUsage}, {@code FloatingBuffersUsage},
     * {@code ExclusiveBuffersUsage}, {@code RemoteInputChannels}; fields only, not gauges of their
     * own: Flink has its own pool gauges), then the history's verdict ({@code Persistence}). Fields are only ever appended, so a reader takes the
     * fields it knows from an agent of any version, and reads an absent one as unknown.
     */
    public static final List<String> FIGURE_FIELDS;

    /** {@link TaskAttributes#OUT_POOL_USAGE}, a field of {@link #FIGURES} only. */
    public static final String OUT_POOL_USAGE_FIELD = "outPoolUsage";
    /** {@link TaskAttributes#IN_POOL_USAGE}, a field of {@link #FIGURES} only. */
    public static final String IN_POOL_USAGE_FIELD = "inPoolUsage";
    /** {@link TaskAttributes#FLOATING_BUFFERS_USAGE}, a field of {@link #FIGURES} only. */
    public static final String FLOATING_BUFFERS_USAGE_FIELD = "floatingBuffersUsage";
    /** {@link TaskAttributes#EXCLUSIVE_BUFFERS_USAGE}, a field of {@link #FIGURES} only. */
    public static final String EXCLUSIVE_BUFFERS_USAGE_FIELD = "exclusiveBuffersUsage";
    /** {@link TaskAttributes#REMOTE_INPUT_CHANNELS}, a field of {@link #FIGURES} only: -1 when unknown. */
    public static final String REMOTE_INPUT_CHANNELS_FIELD = "remoteInputChannels";
    /** {@link TaskAttributes#PERSISTENCE}, a field of {@link #FIGURES} only: a {@link Persistence} name. */
    public static final String PERSISTENCE_FIELD = "persistence";

    static {
        List<String> fields = new java.util.ArrayList<>(ALL);
        fields.addAll(Arrays.asList(OUT_POOL_USAGE_FIELD, IN_POOL_USAGE_FIELD, FLOATING_BUFFERS_USAGE_FIELD,
                EXCLUSIVE_BUFFERS_USAGE_FIELD, REMOTE_INPUT_CHANNELS_FIELD, PERSISTENCE_FIELD));
        FIGURE_FIELDS = Collections.unmodifiableList(fields);
    }

    /** Each metric ({@link #ALL}, in order) → the Task MBean attribute it equals ({@link TaskAttributes}). */
    public static final Map<String, String> TASK_ATTRIBUTES;

    static {
        String[] attributes = {
            TaskAttributes.BACK_PRESSURE_RATIO, TaskAttributes.LEVEL_CODE, TaskAttributes.HARD_BACK_PRESSURE_RATIO,
            TaskAttributes.SOFT_BACK_PRESSURE_RATIO, TaskAttributes.IDLE_RATIO, TaskAttributes.BUSY_RATIO,
            TaskAttributes.BACK_PRESSURED_TIME_MS_PER_SECOND, TaskAttributes.BUFFER_WAIT_P99_MICROS,
            TaskAttributes.CPU_RATIO, TaskAttributes.GC_RATIO, TaskAttributes.LOCK_RATIO, TaskAttributes.IO_RATIO,
            TaskAttributes.SLEEP_RATIO, TaskAttributes.EXTERNAL_WAIT_RATIO, TaskAttributes.OTHER_BUSY_RATIO,
            TaskAttributes.CAUSE};
        Map<String, String> byMetric = new LinkedHashMap<>();
        for (int i = 0; i < attributes.length; i++) {
            byMetric.put(ALL.get(i), attributes[i]);
        }
        TASK_ATTRIBUTES = Collections.unmodifiableMap(byMetric);
    }

    private FlinkMetricNames() {
    }

    /**
     * The fields of a {@link #FIGURES} text by name ({@link #FIGURE_FIELDS}); those it lacks (an
     * older agent) are absent, those it has beyond them (a newer agent) ignored.
     */
    public static Map<String, String> unpack(String figures) {
        Map<String, String> byName = new LinkedHashMap<>();
        String[] values = figures.split(FIELD_SEPARATOR, -1);
        for (int i = 0; i < values.length && i < FIGURE_FIELDS.size(); i++) {
            byName.put(FIGURE_FIELDS.get(i), values[i]);
        }
        return byName;
    }

    /**
     * The id of a metric of one subtask in Flink's REST API
     * ({@code /jobs/:jobid/vertices/:vertexid/metrics?get=<id>}), e.g. {@code 0.chokepoint.busyRatio}.
     *
     * @param subtask the 0-based subtask index
     */
    public static String restId(int subtask, String metric) {
        return subtask + "." + GROUP + "." + metric;
    }
}

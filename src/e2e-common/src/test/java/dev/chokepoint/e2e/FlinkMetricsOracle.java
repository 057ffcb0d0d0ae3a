package dev.chokepoint.e2e;

import javax.management.AttributeNotFoundException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Flink's own view of its tasks, read from Flink's JMX reporter ({@code flink-metrics-jmx}) in
 * the same JVM and over the same JMX connection as the agent's MBeans: the oracle of the
 * end-to-end tests.
 *
 * <p>The reporter registers one MBean per metric, e.g.
 * {@code org.apache.flink.taskmanager.job.task.Shuffle.Netty.Output.Buffers.outPoolUsage:host=,tm_id=…,
 * job_id=…,job_name=…,task_id=…,task_attempt_id=…,task_attempt_num=0,task_name=Source-_Sequence,subtask_index=0},
 * attribute {@code Value}: the domain is {@code org.apache.flink.} + the group's logical scope + the
 * metric name, the key properties are the scope variables with the reporter's character
 * replacement ({@code ' '} → {@code _}, {@code :} → {@code -}, …). Checked against Flink 1.12.7 and 1.20.3.
 */
public final class FlinkMetricsOracle {

    static final String TASK_DOMAIN = "org.apache.flink.taskmanager.job.task.";

    /** Task metrics read, by their name under {@link #TASK_DOMAIN}; a version that lacks one simply has no value. */
    public static final String IS_BACK_PRESSURED = "isBackPressured";                      // 1.10+ (a Gauge<Boolean>)
    public static final String OUT_POOL_USAGE = "Shuffle.Netty.Output.Buffers.outPoolUsage";
    public static final String IN_POOL_USAGE = "Shuffle.Netty.Input.Buffers.inPoolUsage";
    public static final String FLOATING_USAGE = "Shuffle.Netty.Input.Buffers.inputFloatingBuffersUsage";
    public static final String EXCLUSIVE_USAGE = "Shuffle.Netty.Input.Buffers.inputExclusiveBuffersUsage";
    public static final String BACK_PRESSURED_MS = "backPressuredTimeMsPerSecond";          // 1.13+
    public static final String SOFT_BACK_PRESSURED_MS = "softBackPressuredTimeMsPerSecond"; // 1.15+
    public static final String HARD_BACK_PRESSURED_MS = "hardBackPressuredTimeMsPerSecond"; // 1.15+
    public static final String IDLE_MS = "idleTimeMsPerSecond";                             // a Gauge from 1.13 on (a Meter before)
    public static final String BUSY_MS = "busyTimeMsPerSecond";                             // 1.13+; NaN for a legacy source
    public static final String ACC_BUSY_MS = "accumulateBusyTimeMs";                        // 1.16+; NaN for a legacy source
    public static final String ACC_IDLE_MS = "accumulateIdleTimeMs";                        // 1.16+
    public static final String MAX_SOFT_BACK_PRESSURE_MS = "maxSoftBackPressureTimeMs";     // 1.16+
    public static final String MAX_HARD_BACK_PRESSURE_MS = "maxHardBackPressureTimeMs";     // 1.16+

    /**
     * In the order read: the instantaneous pool usages first, so that they are read as close as
     * possible to the agent's values read just before them (the time gauges move slowly).
     */
    static final List<String> METRICS = Collections.unmodifiableList(Arrays.asList(
            OUT_POOL_USAGE, IN_POOL_USAGE, FLOATING_USAGE, EXCLUSIVE_USAGE, IS_BACK_PRESSURED,
            BACK_PRESSURED_MS, SOFT_BACK_PRESSURED_MS, HARD_BACK_PRESSURED_MS, IDLE_MS, BUSY_MS, ACC_BUSY_MS, ACC_IDLE_MS,
            MAX_SOFT_BACK_PRESSURE_MS, MAX_HARD_BACK_PRESSURE_MS));

    private final MBeanServerConnection mbeans;

    public FlinkMetricsOracle(MBeanServerConnection mbeans) {
        this.mbeans = mbeans;
    }

    /**
     * Every subtask Flink reports a metric of, by {@link #key(String, int)}; each with the metrics
     * its version has. Of several attempts (or TaskManagers) of one subtask, the latest attempt wins.
     */
    public Map<String, TaskMetrics> read() throws IOException {
        Map<String, TaskMetrics> tasks = new TreeMap<>();
        for (String metric : METRICS) {
            for (ObjectName name : mbeans.queryNames(objectName(TASK_DOMAIN + metric + ":*"), null)) {
                String taskName = name.getKeyProperty("task_name");
                String subtask = name.getKeyProperty("subtask_index");
                if (taskName == null || subtask == null) {
                    continue;
                }
                int attempt = parseInt(name.getKeyProperty("task_attempt_num"), 0);
                String key = key(taskName, Integer.parseInt(subtask));
                TaskMetrics task = tasks.get(key);
                if (task == null || task.attempt < attempt) {
                    task = new TaskMetrics(taskName, Integer.parseInt(subtask), attempt, name.getKeyProperty("tm_id"));
                    tasks.put(key, task);
                } else if (task.attempt > attempt) {
                    continue;
                }
                Object value;
                try {
                    value = mbeans.getAttribute(name, "Value");
                } catch (InstanceNotFoundException e) {
                    continue; // the task went away between the query and the read
                } catch (AttributeNotFoundException e) {
                    continue; // not a gauge in this version (1.12's idleTimeMsPerSecond is a Meter)
                } catch (JMException e) {
                    throw new IOException("cannot read " + name + ".Value: " + e.getMessage(), e);
                }
                task.values.put(metric, value);
            }
        }
        return tasks;
    }

    /**
     * The key of a subtask in both views: the vertex name with everything but letters and digits
     * dropped (Flink's reporter rewrites {@code "Source: Sequence"} to {@code "Source-_Sequence"}),
     * and the 0-based subtask index.
     */
    public static String key(String vertexOrTaskName, int subtask) {
        return vertexOrTaskName.replaceAll("[^A-Za-z0-9]", "") + "#" + subtask;
    }

    /** All of Flink's metrics of one subtask that this oracle reads. */
    public static final class TaskMetrics {
        public final String taskName;
        public final int subtask;
        public final int attempt;
        public final String tmId;
        final Map<String, Object> values = new HashMap<>();

        TaskMetrics(String taskName, int subtask, int attempt, String tmId) {
            this.taskName = taskName;
            this.subtask = subtask;
            this.attempt = attempt;
            this.tmId = tmId;
        }

        public boolean has(String metric) {
            return values.get(metric) != null;
        }

        /** A gauge as a number ({@code true} = 1); {@code NaN} when this version or task has no such gauge. */
        public double number(String metric) {
            Object value = values.get(metric);
            if (value instanceof Number) {
                return ((Number) value).doubleValue();
            }
            if (value instanceof Boolean) {
                return (Boolean) value ? 1 : 0;
            }
            return Double.NaN;
        }

        @Override
        public String toString() {
            return taskName + "#" + subtask + " (attempt " + attempt + ", tm " + tmId + ") " + new TreeMap<>(values);
        }
    }

    private static int parseInt(String value, int otherwise) {
        try {
            return value == null ? otherwise : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(name, e);
        }
    }
}

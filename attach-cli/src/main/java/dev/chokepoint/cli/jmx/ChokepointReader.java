package dev.chokepoint.cli.jmx;

import dev.chokepoint.api.AgentAttributes;
import dev.chokepoint.api.Cause;
import dev.chokepoint.api.Episode;
import dev.chokepoint.api.Persistence;
import dev.chokepoint.api.ObjectNames;
import dev.chokepoint.api.TaskAttributes;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads the agent's MBeans ({@link ObjectNames#AGENT}, {@link ObjectNames#ALL_TASKS}) from one JVM. */
public final class ChokepointReader {

    /**
     * Every attribute read, the buffer-pool ones included: read strictly (a missing one is an
     * error), since the CLI and the agent ship together.
     */
    static final String[] TASK_ATTRIBUTES = {
        TaskAttributes.THREAD, TaskAttributes.VERTEX, TaskAttributes.SUBTASK, TaskAttributes.PARALLELISM,
        TaskAttributes.BACK_PRESSURE_RATIO, TaskAttributes.BACK_PRESSURE_LEVEL, TaskAttributes.LEVEL_CODE,
        TaskAttributes.SAMPLES, TaskAttributes.BLOCKED_SAMPLES,
        TaskAttributes.OUT_POOL_USAGE, TaskAttributes.IN_POOL_USAGE, TaskAttributes.FLOATING_BUFFERS_USAGE,
        TaskAttributes.EXCLUSIVE_BUFFERS_USAGE,
        TaskAttributes.HARD_BACK_PRESSURE_RATIO, TaskAttributes.SOFT_BACK_PRESSURE_RATIO, TaskAttributes.IDLE_RATIO,
        TaskAttributes.BUSY_RATIO,
        TaskAttributes.BACK_PRESSURED_TIME_MS_PER_SECOND, TaskAttributes.BUFFER_WAIT_P50_MICROS,
        TaskAttributes.BUFFER_WAIT_P99_MICROS, TaskAttributes.BUFFER_WAIT_MAX_MICROS,
        TaskAttributes.REMOTE_INPUT_CHANNELS,
        TaskAttributes.CPU_RATIO, TaskAttributes.GC_RATIO, TaskAttributes.LOCK_RATIO, TaskAttributes.IO_RATIO,
        TaskAttributes.SLEEP_RATIO, TaskAttributes.EXTERNAL_WAIT_RATIO, TaskAttributes.OTHER_BUSY_RATIO,
        TaskAttributes.CAUSE, TaskAttributes.LOCK_OWNER, TaskAttributes.LOCK_CLASS, TaskAttributes.HOT_FRAMES,
        TaskAttributes.RECORDS_IN
    };

    /**
     * The job topology (Flink IntermediateResultPartitionIDs written / read) and the subtask's job, read
     * when the agent has them: older agents do not, and the report then guesses the job order.
     */
    static final String[] TOPOLOGY_ATTRIBUTES = {TaskAttributes.PRODUCED_PARTITIONS, TaskAttributes.CONSUMED_PARTITIONS,
        TaskAttributes.JOB, TaskAttributes.JOB_ID};

    /** The subtask's history (issue 15), read when the agent keeps one: older agents do not. */
    static final String[] HISTORY_ATTRIBUTES = {TaskAttributes.PERSISTENCE, TaskAttributes.EPISODES,
        TaskAttributes.HISTORY, TaskAttributes.HISTORY_STEP_MILLIS, TaskAttributes.HISTORY_END_MILLIS};

    /** The agent's settings a report needs, read together: one round trip, one consistent reading. */
    static final String[] SETTINGS_ATTRIBUTES = {
        AgentAttributes.SAMPLES, AgentAttributes.DELAY_MILLIS, AgentAttributes.LOW, AgentAttributes.HIGH
    };

    private final MBeanServerConnection mbeans;

    public ChokepointReader(MBeanServerConnection mbeans) {
        this.mbeans = mbeans;
    }

    /** All subtasks the agent currently reports, ordered by vertex, then subtask index. */
    public List<TaskSnapshot> tasks() throws IOException {
        Set<ObjectName> names = mbeans.queryNames(ObjectNames.ALL_TASKS, null);
        List<TaskSnapshot> tasks = new ArrayList<>(names.size());
        for (ObjectName name : names) {
            try {
                Map<String, Object> values = attributes(name, TASK_ATTRIBUTES);
                values.putAll(optionalAttributes(name, TOPOLOGY_ATTRIBUTES));
                values.putAll(optionalAttributes(name, HISTORY_ATTRIBUTES));
                tasks.add(snapshot(values));
            } catch (InstanceNotFoundException e) {
                continue; // the subtask finished between the query and the read
            } catch (JMException e) {
                throw new IOException("cannot read " + name + ": " + e.getMessage(), e);
            } catch (ClassCastException | NullPointerException e) {
                throw new IOException("unexpected attribute type in " + name + ": " + e, e);
            } catch (IllegalArgumentException e) {
                throw new IOException("unexpected attribute value in " + name + ": " + e.getMessage(), e);
            }
        }
        tasks.sort(Comparator.<TaskSnapshot, String>comparing(t -> t.vertex).thenComparingInt(t -> t.subtask)
                .thenComparing(t -> t.thread).thenComparing(t -> t.jobId));
        return tasks;
    }

    private static TaskSnapshot snapshot(Map<String, Object> values) {
        return new TaskSnapshot(
                (String) values.get(TaskAttributes.THREAD),
                (String) values.get(TaskAttributes.VERTEX),
                (Integer) values.get(TaskAttributes.SUBTASK),
                (Integer) values.get(TaskAttributes.PARALLELISM),
                (Double) values.get(TaskAttributes.BACK_PRESSURE_RATIO),
                (String) values.get(TaskAttributes.BACK_PRESSURE_LEVEL),
                (Integer) values.get(TaskAttributes.LEVEL_CODE),
                (Integer) values.get(TaskAttributes.SAMPLES),
                (Integer) values.get(TaskAttributes.BLOCKED_SAMPLES),
                new TaskSnapshot.BufferPools(
                        (Double) values.get(TaskAttributes.OUT_POOL_USAGE),
                        (Double) values.get(TaskAttributes.IN_POOL_USAGE),
                        (Double) values.get(TaskAttributes.FLOATING_BUFFERS_USAGE),
                        (Double) values.get(TaskAttributes.EXCLUSIVE_BUFFERS_USAGE),
                        (Double) values.get(TaskAttributes.HARD_BACK_PRESSURE_RATIO),
                        (Double) values.get(TaskAttributes.SOFT_BACK_PRESSURE_RATIO),
                        (Double) values.get(TaskAttributes.IDLE_RATIO),
                        (Double) values.get(TaskAttributes.BUSY_RATIO),
                        (Double) values.get(TaskAttributes.BACK_PRESSURED_TIME_MS_PER_SECOND),
                        (Double) values.get(TaskAttributes.BUFFER_WAIT_P50_MICROS),
                        (Double) values.get(TaskAttributes.BUFFER_WAIT_P99_MICROS),
                        (Double) values.get(TaskAttributes.BUFFER_WAIT_MAX_MICROS),
                        (Integer) values.get(TaskAttributes.REMOTE_INPUT_CHANNELS)),
                strings(values.get(TaskAttributes.PRODUCED_PARTITIONS)),
                strings(values.get(TaskAttributes.CONSUMED_PARTITIONS)),
                new TaskSnapshot.BusyCauses(
                        (Double) values.get(TaskAttributes.CPU_RATIO),
                        (Double) values.get(TaskAttributes.GC_RATIO),
                        (Double) values.get(TaskAttributes.LOCK_RATIO),
                        (Double) values.get(TaskAttributes.IO_RATIO),
                        (Double) values.get(TaskAttributes.SLEEP_RATIO),
                        (Double) values.get(TaskAttributes.EXTERNAL_WAIT_RATIO),
                        (Double) values.get(TaskAttributes.OTHER_BUSY_RATIO),
                        cause((String) values.get(TaskAttributes.CAUSE)),
                        (String) values.get(TaskAttributes.LOCK_OWNER),
                        (String) values.get(TaskAttributes.LOCK_CLASS),
                        Arrays.asList((String[]) values.get(TaskAttributes.HOT_FRAMES)),
                        (Long) values.get(TaskAttributes.RECORDS_IN)),
                TaskSnapshot.Placement.LOCAL,
                (String) values.get(TaskAttributes.JOB),
                (String) values.get(TaskAttributes.JOB_ID),
                history(values));
    }

    /** All five history attributes, or {@link TaskHistory#UNKNOWN} (an agent before history). */
    private static TaskHistory history(Map<String, Object> values) {
        for (String attribute : HISTORY_ATTRIBUTES) {
            if (!values.containsKey(attribute)) {
                return TaskHistory.UNKNOWN;
            }
        }
        List<Episode> episodes = new ArrayList<>();
        for (CompositeData episode : (CompositeData[]) values.get(TaskAttributes.EPISODES)) {
            episodes.add(Episode.from(episode));
        }
        return new TaskHistory(Persistence.valueOf((String) values.get(TaskAttributes.PERSISTENCE)), episodes,
                (double[]) values.get(TaskAttributes.HISTORY), (Long) values.get(TaskAttributes.HISTORY_STEP_MILLIS),
                (Long) values.get(TaskAttributes.HISTORY_END_MILLIS));
    }

    /** A {@link Cause} name, strictly: another one means an agent of another version. */
    private static Cause cause(String name) {
        try {
            return Cause.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(TaskAttributes.CAUSE + " '" + name + "' is not a cause this client knows"
                    + " (an agent of another version?)", e);
        }
    }

    private static List<String> strings(Object value) {
        return value instanceof String[] ? Arrays.asList((String[]) value) : null;
    }

    /** The attributes the MBean has; the others are simply absent from the result. */
    private Map<String, Object> optionalAttributes(ObjectName name, String[] attributes) throws IOException, JMException {
        Map<String, Object> values = new HashMap<>();
        mbeans.getAttributes(name, attributes).asList().forEach(a -> values.put(a.getName(), a.getValue()));
        return values;
    }

    /** One attribute of the agent MBean ({@link AgentAttributes}), or empty when the agent is not loaded. */
    public Optional<Object> agentAttribute(String attribute) throws IOException {
        try {
            return Optional.ofNullable(mbeans.getAttribute(ObjectNames.AGENT, attribute));
        } catch (InstanceNotFoundException e) {
            return Optional.empty();
        } catch (JMException e) {
            throw new IOException("cannot read " + ObjectNames.AGENT + "." + attribute + ": " + e.getMessage(), e);
        }
    }

    /**
     * The running agent's settings from its typed attributes, read in one call; empty when the agent
     * is not loaded. An attribute the agent does not have (one older than these attributes, which
     * the version check otherwise keeps out) reads as the agent's default for it: the only fallback,
     * and the same figure such an agent ran with unless it was given another.
     */
    public Optional<AgentSettings> agentSettings() throws IOException {
        Map<String, Object> values = new HashMap<>();
        try {
            for (Attribute attribute : mbeans.getAttributes(ObjectNames.AGENT, SETTINGS_ATTRIBUTES).asList()) {
                values.put(attribute.getName(), attribute.getValue());
            }
        } catch (InstanceNotFoundException e) {
            return Optional.empty();
        } catch (JMException e) {
            throw new IOException("cannot read the settings of " + ObjectNames.AGENT + ": " + e.getMessage(), e);
        }
        AgentSettings defaults = AgentSettings.DEFAULTS;
        return Optional.of(new AgentSettings(
                number(values, AgentAttributes.SAMPLES, defaults.samples).intValue(),
                number(values, AgentAttributes.DELAY_MILLIS, defaults.delayMillis).longValue(),
                number(values, AgentAttributes.LOW, defaults.low).doubleValue(),
                number(values, AgentAttributes.HIGH, defaults.high).doubleValue()));
    }

    private static Number number(Map<String, Object> values, String attribute, Number absent) throws IOException {
        Object value = values.get(attribute);
        if (value == null) {
            return absent;
        }
        if (!(value instanceof Number)) {
            throw new IOException("unexpected type of " + ObjectNames.AGENT + "." + attribute + ": "
                    + value.getClass().getName());
        }
        return (Number) value;
    }

    public boolean agentLoaded() throws IOException {
        return mbeans.isRegistered(ObjectNames.AGENT);
    }

    private Map<String, Object> attributes(ObjectName name, String[] attributes) throws IOException, JMException {
        AttributeList list = mbeans.getAttributes(name, attributes);
        Map<String, Object> values = new HashMap<>();
        list.asList().forEach(a -> values.put(a.getName(), a.getValue()));
        List<String> missing = new ArrayList<>();
        for (String attribute : attributes) {
            if (!values.containsKey(attribute)) {
                missing.add(attribute);
            }
        }
        if (!missing.isEmpty()) {
            throw new JMException("attribute" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                    + (missing.size() > 1 ? " are" : " is") + " missing (an agent older than this client?)");
        }
        return values;
    }
}

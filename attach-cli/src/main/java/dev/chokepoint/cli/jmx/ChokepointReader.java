package dev.chokepoint.cli.jmx;

import javax.management.AttributeList;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads the agent's MBeans ({@code chokepoint:type=Agent}, {@code chokepoint:type=Task,*}) from one JVM. */
public final class ChokepointReader {

    public static final ObjectName AGENT = name("chokepoint:type=Agent");
    public static final ObjectName TASKS = name("chokepoint:type=Task,*");

    /** The attribute of {@link javax.management.AttributeChangeNotification}s a subtask sends when its level changes. */
    public static final String LEVEL_ATTRIBUTE = "BackPressureLevel";

    /**
     * Every attribute read, the buffer-pool ones included: read strictly (a missing one is an
     * error), since the CLI and the agent ship together.
     */
    static final String[] TASK_ATTRIBUTES = {
        "Thread", "Vertex", "Subtask", "Parallelism", "BackPressureRatio", "BackPressureLevel", "LevelCode",
        "Samples", "BlockedSamples",
        "OutPoolUsage", "InPoolUsage", "FloatingBuffersUsage", "ExclusiveBuffersUsage",
        "HardBackPressureRatio", "SoftBackPressureRatio", "IdleRatio", "BusyRatio",
        "BackPressuredTimeMsPerSecond", "BufferWaitP50Micros", "BufferWaitP99Micros", "BufferWaitMaxMicros"
    };

    /**
     * The job topology (Flink IntermediateResultPartitionIDs written / read), read when the agent has it:
     * older agents do not, and the report then guesses the job order.
     */
    static final String[] TOPOLOGY_ATTRIBUTES = {"ProducedPartitions", "ConsumedPartitions"};

    private final MBeanServerConnection mbeans;

    public ChokepointReader(MBeanServerConnection mbeans) {
        this.mbeans = mbeans;
    }

    /** All subtasks the agent currently reports, ordered by vertex, then subtask index. */
    public List<TaskSnapshot> tasks() throws IOException {
        Set<ObjectName> names = mbeans.queryNames(TASKS, null);
        List<TaskSnapshot> tasks = new ArrayList<>(names.size());
        for (ObjectName name : names) {
            try {
                Map<String, Object> values = attributes(name, TASK_ATTRIBUTES);
                values.putAll(optionalAttributes(name, TOPOLOGY_ATTRIBUTES));
                tasks.add(snapshot(values));
            } catch (InstanceNotFoundException e) {
                continue; // the subtask finished between the query and the read
            } catch (JMException e) {
                throw new IOException("cannot read " + name + ": " + e.getMessage(), e);
            } catch (ClassCastException | NullPointerException e) {
                throw new IOException("unexpected attribute type in " + name + ": " + e, e);
            }
        }
        tasks.sort(Comparator.<TaskSnapshot, String>comparing(t -> t.vertex).thenComparingInt(t -> t.subtask)
                .thenComparing(t -> t.thread));
        return tasks;
    }

    private static TaskSnapshot snapshot(Map<String, Object> values) {
        return new TaskSnapshot(
                (String) values.get("Thread"),
                (String) values.get("Vertex"),
                (Integer) values.get("Subtask"),
                (Integer) values.get("Parallelism"),
                (Double) values.get("BackPressureRatio"),
                (String) values.get("BackPressureLevel"),
                (Integer) values.get("LevelCode"),
                (Integer) values.get("Samples"),
                (Integer) values.get("BlockedSamples"),
                new TaskSnapshot.BufferPools(
                        (Double) values.get("OutPoolUsage"),
                        (Double) values.get("InPoolUsage"),
                        (Double) values.get("FloatingBuffersUsage"),
                        (Double) values.get("ExclusiveBuffersUsage"),
                        (Double) values.get("HardBackPressureRatio"),
                        (Double) values.get("SoftBackPressureRatio"),
                        (Double) values.get("IdleRatio"),
                        (Double) values.get("BusyRatio"),
                        (Double) values.get("BackPressuredTimeMsPerSecond"),
                        (Double) values.get("BufferWaitP50Micros"),
                        (Double) values.get("BufferWaitP99Micros"),
                        (Double) values.get("BufferWaitMaxMicros")),
                strings(values.get("ProducedPartitions")),
                strings(values.get("ConsumedPartitions")));
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

    /** One attribute of the agent MBean, or empty when the agent is not loaded. */
    public Optional<Object> agentAttribute(String attribute) throws IOException {
        try {
            return Optional.ofNullable(mbeans.getAttribute(AGENT, attribute));
        } catch (InstanceNotFoundException e) {
            return Optional.empty();
        } catch (JMException e) {
            throw new IOException("cannot read " + AGENT + "." + attribute + ": " + e.getMessage(), e);
        }
    }

    public boolean agentLoaded() throws IOException {
        return mbeans.isRegistered(AGENT);
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

    private static ObjectName name(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }
}

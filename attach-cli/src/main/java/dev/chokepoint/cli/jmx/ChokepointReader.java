package dev.chokepoint.cli.jmx;

import javax.management.AttributeList;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import java.io.IOException;
import java.util.ArrayList;
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

    private static final String[] TASK_ATTRIBUTES = {
        "Thread", "Vertex", "Subtask", "Parallelism", "BackPressureRatio", "BackPressureLevel", "LevelCode",
        "Samples", "BlockedSamples"
    };

    private final MBeanServerConnection mbeans;

    public ChokepointReader(MBeanServerConnection mbeans) {
        this.mbeans = mbeans;
    }

    /** All subtasks the agent currently reports, ordered by vertex, then subtask index. */
    public List<TaskSnapshot> tasks() throws IOException {
        Set<ObjectName> names = mbeans.queryNames(TASKS, null);
        List<TaskSnapshot> tasks = new ArrayList<>(names.size());
        for (ObjectName name : names) {
            Map<String, Object> values;
            try {
                values = attributes(name, TASK_ATTRIBUTES);
            } catch (InstanceNotFoundException e) {
                continue; // the subtask finished between the query and the read
            } catch (JMException e) {
                throw new IOException("cannot read " + name + ": " + e.getMessage(), e);
            }
            tasks.add(new TaskSnapshot(
                    (String) values.get("Thread"),
                    (String) values.get("Vertex"),
                    (Integer) values.get("Subtask"),
                    (Integer) values.get("Parallelism"),
                    (Double) values.get("BackPressureRatio"),
                    (String) values.get("BackPressureLevel"),
                    (Integer) values.get("LevelCode"),
                    (Integer) values.get("Samples"),
                    (Integer) values.get("BlockedSamples")));
        }
        tasks.sort(Comparator.<TaskSnapshot, String>comparing(t -> t.vertex).thenComparingInt(t -> t.subtask)
                .thenComparing(t -> t.thread));
        return tasks;
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
        for (String attribute : attributes) {
            if (!values.containsKey(attribute)) {
                throw new JMException("attribute " + attribute + " is missing");
            }
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

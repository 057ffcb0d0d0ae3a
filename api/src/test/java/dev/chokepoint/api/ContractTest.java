package dev.chokepoint.api;

import org.junit.jupiter.api.Test;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import javax.management.openmbean.ArrayType;
import javax.management.openmbean.CompositeType;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The name constants and the MXBean interfaces say the same thing: the attribute names JMX derives
 * from each interface (as a client sees them) are exactly the constants, no more, no fewer.
 */
class ContractTest {

    @Test
    void taskAttributeConstantsAreExactlyTheTaskMXBeanAttributes() throws Exception {
        assertEquals(attributesOf(TaskMXBean.class), constants(TaskAttributes.class));
    }

    @Test
    void episodeItemConstantsAreExactlyTheItemsOfTheEpisodesAttribute() throws Exception {
        MBeanAttributeInfo episodes = attributeInfo(TaskMXBean.class, TaskAttributes.EPISODES);
        ArrayType<?> type = (ArrayType<?>) episodes.getDescriptor().getFieldValue("openType");
        CompositeType item = (CompositeType) type.getElementOpenType();
        Set<String> constants = constants(Episode.class);
        constants.remove(Episode.NOTIFICATION_START);
        constants.remove(Episode.NOTIFICATION_END);
        assertEquals(item.keySet(), constants);
        // and a client's proxy reads them back
        assertEquals(Long.class.getName(), item.getType(Episode.END).getClassName());
    }

    @Test
    void agentAttributeConstantsAreExactlyTheAgentMXBeanAttributes() throws Exception {
        Set<String> constants = constants(AgentAttributes.class);
        constants.remove(AgentAttributes.RECONFIGURE);
        constants.remove(AgentAttributes.DETACH);
        assertEquals(attributesOf(AgentMXBean.class), constants);
    }

    @Test
    void agentOperationsExist() throws Exception {
        assertEquals(String.class, AgentMXBean.class.getMethod(AgentAttributes.RECONFIGURE, String.class).getReturnType());
        assertEquals(String.class, AgentMXBean.class.getMethod(AgentAttributes.DETACH).getReturnType());
    }

    @Test
    void everySettingKeyConstantIsListedOnce() throws Exception {
        Set<String> keys = new TreeSet<>();
        for (Field field : Settings.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                keys.add((String) field.get(null));
            }
        }
        assertEquals(keys, new TreeSet<>(Settings.KEYS));
        assertEquals(keys.size(), Settings.KEYS.size());
    }

    @Test
    void everyFlinkMetricNameIsListedOnceAndPassesReportersUnchanged() throws Exception {
        Set<String> names = constants(FlinkMetricNames.class);
        names.remove(FlinkMetricNames.GROUP);
        names.remove(FlinkMetricNames.FIELD_SEPARATOR);
        assertTrue(names.remove(FlinkMetricNames.FIGURES));
        assertTrue(names.remove(FlinkMetricNames.HISTORY));
        Set<String> poolFields = new TreeSet<>(FlinkMetricNames.FIGURE_FIELDS.subList(
                FlinkMetricNames.ALL.size(), FlinkMetricNames.FIGURE_FIELDS.size()));
        assertTrue(names.containsAll(poolFields), poolFields.toString());
        names.removeAll(poolFields);
        assertEquals(names, new TreeSet<>(FlinkMetricNames.ALL));
        assertEquals(names.size(), FlinkMetricNames.ALL.size());
        assertEquals(FlinkMetricNames.CAUSE, FlinkMetricNames.ALL.get(FlinkMetricNames.ALL.size() - 1));
        assertEquals(FlinkMetricNames.ALL.subList(0, FlinkMetricNames.ALL.size() - 1), FlinkMetricNames.NUMBERS);
        // Flink's JMX and Prometheus reporters rewrite other characters; these names must reach every reporter as they are.
        names.add(FlinkMetricNames.GROUP);
        for (String name : names) {
            assertTrue(name.matches("[a-z][A-Za-z0-9]*"), name);
        }
        assertEquals("1.chokepoint.busyRatio", FlinkMetricNames.restId(1, FlinkMetricNames.BUSY_RATIO));
    }

    @Test
    void theFiguresTextStartsWithEveryMetricAndUnpacksByPosition() {
        assertEquals(FlinkMetricNames.ALL, FlinkMetricNames.FIGURE_FIELDS.subList(0, FlinkMetricNames.ALL.size()));
        assertEquals(new TreeSet<>(FlinkMetricNames.FIGURE_FIELDS).size(), FlinkMetricNames.FIGURE_FIELDS.size());
        assertTrue(FlinkMetricNames.FIGURES.matches("[a-z][A-Za-z0-9]*"));
        java.util.Map<String, String> older = FlinkMetricNames.unpack("0.5,2");
        assertEquals(2, older.size());
        assertEquals("0.5", older.get(FlinkMetricNames.BACK_PRESSURE_RATIO));
        assertEquals("2", older.get(FlinkMetricNames.LEVEL_CODE));
        StringBuilder newer = new StringBuilder();
        for (int i = 0; i < FlinkMetricNames.FIGURE_FIELDS.size() + 2; i++) {
            newer.append(i).append(FlinkMetricNames.FIELD_SEPARATOR);
        }
        java.util.Map<String, String> all = FlinkMetricNames.unpack(newer.toString());
        assertEquals(FlinkMetricNames.FIGURE_FIELDS, new java.util.ArrayList<>(all.keySet()));
        assertEquals(String.valueOf(FlinkMetricNames.FIGURE_FIELDS.size() - 1),
                all.get(FlinkMetricNames.FIGURE_FIELDS.get(FlinkMetricNames.FIGURE_FIELDS.size() - 1)));
        assertEquals(FlinkMetricNames.PERSISTENCE_FIELD,
                FlinkMetricNames.FIGURE_FIELDS.get(FlinkMetricNames.FIGURE_FIELDS.size() - 1), "appended, not inserted");
    }

    @Test
    void eachFlinkMetricIsATaskAttributeOfTheSameMeaning() throws Exception {
        assertEquals(FlinkMetricNames.ALL, new java.util.ArrayList<>(FlinkMetricNames.TASK_ATTRIBUTES.keySet()));
        Set<String> attributes = attributesOf(TaskMXBean.class);
        for (java.util.Map.Entry<String, String> metric : FlinkMetricNames.TASK_ATTRIBUTES.entrySet()) {
            assertTrue(attributes.contains(metric.getValue()), metric.toString());
            // the same words, where the metric is not a shortening of the attribute
            String attribute = metric.getValue().toLowerCase(java.util.Locale.ROOT);
            String name = metric.getKey().toLowerCase(java.util.Locale.ROOT);
            assertTrue(attribute.equals(name) || attribute.contains(name.replace("ratio", ""))
                    || name.equals("blockedtimemspersecond"), metric.toString());
        }
    }

    @Test
    void taskNamesAreMatchedByTheTaskPattern() {
        ObjectName name = ObjectNames.task("Source: a, \"b\" (1/2)#0");
        assertTrue(ObjectNames.ALL_TASKS.apply(name), name.toString());
        assertTrue(!ObjectNames.ALL_TASKS.apply(ObjectNames.AGENT));
        ObjectName flink = ObjectNames.task("Orders, \"eu\"", "3f2a91c04b5e6d7f8a9b0c1d2e3f4a5b", "Map (1/2)#0");
        assertTrue(ObjectNames.ALL_TASKS.apply(flink), flink.toString());
        assertEquals("Orders, \"eu\" (3f2a91c0)", ObjectName.unquote(flink.getKeyProperty("job")));
        assertTrue(ObjectNames.tasksNamed("Map (1/2)#0").apply(flink), flink.toString());
        assertTrue(ObjectNames.tasksNamed("Map (1/2)#0").apply(ObjectNames.task("Map (1/2)#0")));
        assertTrue(!ObjectNames.tasksNamed("Map (2/2)#0").apply(flink));
        // two jobs of equal names stay apart by their ids
        assertTrue(!flink.equals(ObjectNames.task("Orders, \"eu\"", "9e2a91c04b5e6d7f8a9b0c1d2e3f4a5b", "Map (1/2)#0")));
    }

    private static MBeanAttributeInfo attributeInfo(Class<?> mxbean, String attribute) throws Exception {
        for (MBeanAttributeInfo info : infoOf(mxbean).getAttributes()) {
            if (info.getName().equals(attribute)) {
                return info;
            }
        }
        throw new AssertionError("no attribute " + attribute);
    }

    private static <T> MBeanInfo infoOf(Class<T> mxbean) throws Exception {
        InvocationHandler nothing = (proxy, method, args) -> null;
        T impl = mxbean.cast(Proxy.newProxyInstance(mxbean.getClassLoader(), new Class<?>[] {mxbean}, nothing));
        MBeanServer server = MBeanServerFactory.newMBeanServer();
        ObjectName name = new ObjectName("test:type=" + mxbean.getSimpleName());
        server.registerMBean(new StandardMBean(impl, mxbean, true), name);
        return server.getMBeanInfo(name);
    }

    /** What a JMX client sees: register a do-nothing implementation and read its MBeanInfo. */
    private static <T> Set<String> attributesOf(Class<T> mxbean) throws Exception {
        InvocationHandler nothing = (proxy, method, args) -> null;
        T impl = mxbean.cast(Proxy.newProxyInstance(mxbean.getClassLoader(), new Class<?>[] {mxbean}, nothing));
        MBeanServer server = MBeanServerFactory.newMBeanServer();
        ObjectName name = new ObjectName("test:type=" + mxbean.getSimpleName());
        server.registerMBean(new StandardMBean(impl, mxbean, true), name);
        MBeanInfo info = server.getMBeanInfo(name);
        Set<String> names = new TreeSet<>();
        for (MBeanAttributeInfo attribute : info.getAttributes()) {
            names.add(attribute.getName());
        }
        return names;
    }

    private static Set<String> constants(Class<?> holder) throws IllegalAccessException {
        Set<String> names = new TreeSet<>();
        for (Field field : holder.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                names.add((String) field.get(null));
            }
        }
        return names;
    }
}

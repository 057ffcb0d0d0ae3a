package dev.chokepoint.cli.jmx;

import dev.chokepoint.api.AgentAttributes;
import dev.chokepoint.api.AgentMXBean;
import dev.chokepoint.api.Cause;
import dev.chokepoint.api.ObjectNames;
import dev.chokepoint.api.Settings;
import dev.chokepoint.api.TaskAttributes;
import dev.chokepoint.api.TaskMXBean;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.StandardMBean;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent's settings read from its typed attributes, against MBeans registered in a private MBean server. */
class ChokepointReaderTest {

    /** An agent that answers the attributes in {@code values} (by attribute name). */
    private static AgentMXBean agent(Map<String, Object> values) {
        return (AgentMXBean) Proxy.newProxyInstance(AgentMXBean.class.getClassLoader(), new Class<?>[] {AgentMXBean.class},
                (proxy, method, args) -> {
                    String name = method.getName().replaceFirst("^(get|is)", "");
                    if (!values.containsKey(name)) {
                        throw new AssertionError("the reader read " + name);
                    }
                    return values.get(name);
                });
    }

    @Test
    void theSettingsComeFromTheTypedAttributes() throws Exception {
        MBeanServer server = MBeanServerFactory.newMBeanServer();
        server.registerMBean(new StandardMBean(agent(Map.of(AgentAttributes.SAMPLES, 20, AgentAttributes.DELAY_MILLIS, 10L,
                AgentAttributes.LOW, 0.2, AgentAttributes.HIGH, 0.7)), AgentMXBean.class, true), ObjectNames.AGENT);

        AgentSettings settings = new ChokepointReader(server).agentSettings().orElseThrow();
        assertEquals(20, settings.samples);
        assertEquals(10, settings.delayMillis);
        assertEquals(0.2, settings.low);
        assertEquals(0.7, settings.high);
        assertEquals(200, settings.windowMillis());
    }

    /** What an agent without the typed attributes would register: only some of them. */
    public interface PartialAgentMBean {
        int getSamples();

        long getDelayMillis();
    }

    @Test
    void anAttributeTheAgentDoesNotHaveIsItsDefault() throws Exception {
        MBeanServer server = MBeanServerFactory.newMBeanServer();
        PartialAgentMBean partial = new PartialAgentMBean() {
            @Override
            public int getSamples() {
                return 7;
            }

            @Override
            public long getDelayMillis() {
                return 15;
            }
        };
        server.registerMBean(new StandardMBean(partial, PartialAgentMBean.class), ObjectNames.AGENT);

        AgentSettings settings = new ChokepointReader(server).agentSettings().orElseThrow();
        assertEquals(7, settings.samples);
        assertEquals(15, settings.delayMillis);
        assertEquals(Settings.LOW_DEFAULT, settings.low);
        assertEquals(Settings.HIGH_DEFAULT, settings.high);
    }

    /** A subtask whose attributes are {@code values} (by attribute name); any other attribute fails its read. */
    private static TaskMXBean task(Map<String, Object> values) {
        return (TaskMXBean) Proxy.newProxyInstance(TaskMXBean.class.getClassLoader(), new Class<?>[] {TaskMXBean.class},
                (proxy, method, args) -> {
                    String name = method.getName().replaceFirst("^get", "");
                    if (!values.containsKey(name)) {
                        throw new IllegalStateException("no " + name);
                    }
                    return values.get(name);
                });
    }

    private static Map<String, Object> mapSubtask() {
        Map<String, Object> values = new HashMap<>();
        values.put(TaskAttributes.THREAD, "Map (1/2)#0");
        values.put(TaskAttributes.VERTEX, "Map");
        values.put(TaskAttributes.SUBTASK, 0);
        values.put(TaskAttributes.PARALLELISM, 2);
        values.put(TaskAttributes.ATTEMPT, 0);
        values.put(TaskAttributes.BACK_PRESSURE_RATIO, 0.0);
        values.put(TaskAttributes.BACK_PRESSURE_LEVEL, "OK");
        values.put(TaskAttributes.LEVEL_CODE, 0);
        values.put(TaskAttributes.SAMPLES, 100);
        values.put(TaskAttributes.BLOCKED_SAMPLES, 0);
        values.put(TaskAttributes.HARD_BACK_PRESSURE_RATIO, 0.0);
        values.put(TaskAttributes.SOFT_BACK_PRESSURE_RATIO, 0.0);
        values.put(TaskAttributes.IDLE_RATIO, 0.1);
        values.put(TaskAttributes.BUSY_RATIO, 0.9);
        values.put(TaskAttributes.OUT_POOL_USAGE, 0.2);
        values.put(TaskAttributes.IN_POOL_USAGE, 0.3);
        values.put(TaskAttributes.FLOATING_BUFFERS_USAGE, 0.1);
        values.put(TaskAttributes.EXCLUSIVE_BUFFERS_USAGE, 0.2);
        values.put(TaskAttributes.REMOTE_INPUT_CHANNELS, 3);
        values.put(TaskAttributes.BACK_PRESSURED_TIME_MS_PER_SECOND, 0.0);
        values.put(TaskAttributes.BUFFER_WAIT_P50_MICROS, Double.NaN);
        values.put(TaskAttributes.BUFFER_WAIT_P99_MICROS, Double.NaN);
        values.put(TaskAttributes.BUFFER_WAIT_MAX_MICROS, Double.NaN);
        values.put(TaskAttributes.PRODUCED_PARTITIONS, new String[] {"m"});
        values.put(TaskAttributes.CONSUMED_PARTITIONS, new String[] {"s"});
        values.put(TaskAttributes.CPU_RATIO, 0.6);
        values.put(TaskAttributes.GC_RATIO, 0.05);
        values.put(TaskAttributes.LOCK_RATIO, 0.1);
        values.put(TaskAttributes.IO_RATIO, 0.04);
        values.put(TaskAttributes.SLEEP_RATIO, 0.03);
        values.put(TaskAttributes.EXTERNAL_WAIT_RATIO, 0.02);
        values.put(TaskAttributes.OTHER_BUSY_RATIO, 0.06);
        values.put(TaskAttributes.CAUSE, "CPU");
        values.put(TaskAttributes.LOCK_OWNER, "cache-refresher");
        values.put(TaskAttributes.LOCK_CLASS, "java.lang.Object");
        values.put(TaskAttributes.HOT_FRAMES, new String[] {"dev.x.Map.map 80%", "dev.x.Map.parse 10%"});
        values.put(TaskAttributes.RECORDS_IN, 1234L);
        return values;
    }

    @Test
    void aSubtasksCausesAndRemoteChannelsAreRead() throws Exception {
        MBeanServer server = MBeanServerFactory.newMBeanServer();
        server.registerMBean(new StandardMBean(task(mapSubtask()), TaskMXBean.class, true), ObjectNames.task("Map (1/2)#0"));

        List<TaskSnapshot> tasks = new ChokepointReader(server).tasks();
        assertEquals(1, tasks.size());
        TaskSnapshot task = tasks.get(0);
        assertEquals(3, task.remoteInputChannels);
        assertEquals(0.6, task.cpuRatio);
        assertEquals(0.05, task.gcRatio);
        assertEquals(0.1, task.lockRatio);
        assertEquals(0.04, task.ioRatio);
        assertEquals(0.03, task.sleepRatio);
        assertEquals(0.02, task.externalWaitRatio);
        assertEquals(0.06, task.otherBusyRatio);
        assertEquals(Cause.CPU, task.cause);
        assertEquals("cache-refresher", task.lockOwner);
        assertEquals("java.lang.Object", task.lockClass);
        assertEquals(List.of("dev.x.Map.map 80%", "dev.x.Map.parse 10%"), task.hotFrames);
        assertEquals(1234L, task.recordsIn);
        assertEquals(0.1, task.ratio(Cause.LOCK));
        assertEquals(0.0, task.ratio(Cause.SKEW));
    }

    @Test
    void theCauseAttributesAreReadStrictly() throws Exception {
        Map<String, Object> withoutCause = mapSubtask();
        withoutCause.remove(TaskAttributes.CAUSE);
        MBeanServer server = MBeanServerFactory.newMBeanServer();
        server.registerMBean(new StandardMBean(task(withoutCause), TaskMXBean.class, true), ObjectNames.task("Map (1/2)#0"));
        IOException missing = assertThrows(IOException.class, () -> new ChokepointReader(server).tasks());
        assertTrue(missing.getMessage().endsWith("attribute Cause is missing (an agent older than this client?)"),
                missing.getMessage());

        Map<String, Object> unknownCause = mapSubtask();
        unknownCause.put(TaskAttributes.CAUSE, "COSMIC_RAYS");
        MBeanServer other = MBeanServerFactory.newMBeanServer();
        other.registerMBean(new StandardMBean(task(unknownCause), TaskMXBean.class, true), ObjectNames.task("Map (1/2)#0"));
        IOException unknown = assertThrows(IOException.class, () -> new ChokepointReader(other).tasks());
        assertTrue(unknown.getMessage().contains("Cause 'COSMIC_RAYS' is not a cause this client knows"),
                unknown.getMessage());
    }

    @Test
    void noAgentNoSettings() throws Exception {
        assertEquals(Optional.empty(), new ChokepointReader(MBeanServerFactory.newMBeanServer()).agentSettings());
    }
}

package dev.chokepoint.cli.jmx;

import dev.chokepoint.api.AgentAttributes;
import dev.chokepoint.api.AgentMXBean;
import dev.chokepoint.api.ObjectNames;
import dev.chokepoint.api.Settings;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.StandardMBean;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    @Test
    void noAgentNoSettings() throws Exception {
        assertEquals(Optional.empty(), new ChokepointReader(MBeanServerFactory.newMBeanServer()).agentSettings());
    }
}

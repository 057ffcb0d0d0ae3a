package dev.chokepoint.agent.export;

import dev.chokepoint.agent.aggregate.SubtaskRegistry;
import dev.chokepoint.agent.classify.ThreadState;
import dev.chokepoint.agent.config.AgentConfig;
import dev.chokepoint.agent.config.ConfigParser;
import dev.chokepoint.agent.config.LiveConfig;
import dev.chokepoint.agent.discover.TaskThreadName;
import dev.chokepoint.agent.instrument.FlinkProbes;
import dev.chokepoint.api.ObjectNames;
import dev.chokepoint.api.TaskAttributes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An agent unregisters only the MBean instances it registered itself (issue 14): a detach whose
 * sampler ended late must not, by name, take away the MBeans that an agent attached after it
 * registered under the same names. Two agents' exporters in one JVM, the first one ending last.
 */
class MBeanOwnershipTest {

    private static final String SUBTASK = "Chokepoint Ownership Test Map (1/1)#0";
    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    private final AgentConfig config = config();
    private final TaskView.ConfigSource settings = new TaskView.ConfigSource() {
        @Override
        public AgentConfig config() {
            return config;
        }

        @Override
        public boolean blockedTimeMeasured() {
            return false;
        }
    };

    @AfterEach
    void cleanUp() throws Exception {
        for (ObjectName name : new ObjectName[] {ObjectNames.task(SUBTASK), ObjectNames.AGENT}) {
            if (SERVER.isRegistered(name)) {
                SERVER.unregisterMBean(name);
            }
        }
    }

    @Test
    void anAgentThatEndsLateLeavesTheTaskMBeansOfTheNextOne() throws Exception {
        SubtaskRegistry first = registry();
        first.observe(TaskThreadName.parseFlink(SUBTASK), 1, false, ThreadState.IN_BUFFER_REQUEST, null, 0L);
        first.endTick(1, 50_000_000L);
        assertTrue(SERVER.isRegistered(ObjectNames.task(SUBTASK)));

        // the next agent registers the same subtask (replacing the first's MBean), then the first one ends
        SubtaskRegistry next = registry();
        next.observe(TaskThreadName.parseFlink(SUBTASK), 1, false, ThreadState.RUNNING, null, 0L);
        next.endTick(1, 50_000_000L);
        first.clear();

        assertTrue(SERVER.isRegistered(ObjectNames.task(SUBTASK)), "the next agent's Task MBean stays");
        assertEquals(0, SERVER.getAttribute(ObjectNames.task(SUBTASK), TaskAttributes.BLOCKED_SAMPLES),
                "and it is the next agent's (its subtask has no blocked sample)");

        next.clear();
        assertFalse(SERVER.isRegistered(ObjectNames.task(SUBTASK)), "its own is unregistered as before");
    }

    @Test
    void anAgentThatEndsLateLeavesTheAgentMBeanOfTheNextOne() throws Exception {
        MBeanExporter first = new MBeanExporter();
        AgentView firstView = agentView();
        assertEquals(null, first.register(ObjectNames.AGENT, firstView));

        MBeanExporter next = new MBeanExporter();
        AgentView nextView = agentView();
        assertEquals(null, next.register(ObjectNames.AGENT, nextView));
        first.unregister(ObjectNames.AGENT, firstView);

        assertTrue(SERVER.isRegistered(ObjectNames.AGENT), "the next agent's Agent MBean stays");
        assertTrue(nextView.registered());
        next.unregister(ObjectNames.AGENT, nextView);
        assertFalse(SERVER.isRegistered(ObjectNames.AGENT));
    }

    private SubtaskRegistry registry() {
        return new SubtaskRegistry(10, new TaskMBeans(new MBeanExporter(), settings));
    }

    private AgentView agentView() {
        return new AgentView("test", new LiveConfig(config), new SamplerStatistics(), new FlinkProbes(null, null),
                new AgentControl() {
                    @Override
                    public String reconfigure(String arguments) {
                        return "";
                    }

                    @Override
                    public String detach() {
                        return "";
                    }
                });
    }

    private static AgentConfig config() {
        try {
            return ConfigParser.parse("", new Properties());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.chokepoint.bench.job;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

/**
 * Reads the agent's {@code chokepoint:type=Agent} MBean from inside a child JVM, so that each run
 * proves which configuration it measured: the agent there with the expected settings and sampling,
 * or no agent at all.
 */
final class AgentProbe {

    private static final String BRIDGE = "dev.chokepoint.bootstrap.ChokepointBridge";
    private static final String AGENT_CLASS = "dev/chokepoint/agent/ChokepointAgent.class";

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final ObjectName agent;

    AgentProbe() {
        try {
            agent = new ObjectName("chokepoint:type=Agent");
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean present() {
        return server.isRegistered(agent);
    }

    /**
     * Fails unless the agent is there (waiting for it up to 30 s) or, without it, neither its MBean,
     * nor its bridge, nor its classes.
     */
    void check(boolean expectAgent) throws InterruptedException {
        if (expectAgent) {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!present() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            if (!present()) {
                throw new IllegalStateException("-javaagent expected, but there is no chokepoint:type=Agent MBean");
            }
        } else if (present() || bridgeLoaded()) {
            throw new IllegalStateException("run without agent, but the agent is in this JVM");
        } else if (ClassLoader.getSystemClassLoader().getResource(AGENT_CLASS) != null) {
            // -javaagent appends its jar to the class path; without it, the agent's classes must not be there
            throw new IllegalStateException("run without agent, but the agent's classes are on the classpath");
        }
    }

    String config() {
        return (String) attribute("Config");
    }

    long samplingTicks() {
        return (Long) attribute("SamplingTicks");
    }

    long samplingErrors() {
        return (Long) attribute("SamplingErrors");
    }

    int subtasks() {
        return (Integer) attribute("Subtasks");
    }

    int taskThreads() {
        return (Integer) attribute("TaskThreads");
    }

    int timedThreads() {
        return (Integer) attribute("TimedThreads");
    }

    double tickP99Micros() {
        return (Double) attribute("TickP99Micros");
    }

    /** {@code chokepoint:type=Task,*} MBeans registered. */
    int taskMBeans() {
        try {
            return server.queryNames(new ObjectName("chokepoint:type=Task,*"), null).size();
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    private Object attribute(String name) {
        try {
            return server.getAttribute(agent, name);
        } catch (JMException e) {
            throw new IllegalStateException("reading " + name + " of " + agent, e);
        }
    }

    private static boolean bridgeLoaded() {
        try {
            Class.forName(BRIDGE, false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}

package dev.chokepoint.bench.job;

import dev.chokepoint.api.AgentAttributes;
import dev.chokepoint.api.ObjectNames;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

/**
 * Reads the agent's MBean ({@link ObjectNames#AGENT}) from inside a child JVM, so that each run
 * proves which configuration it measured: the agent there with the expected settings and sampling,
 * or no agent at all.
 */
final class AgentProbe {

    private static final String BRIDGE = "dev.chokepoint.bootstrap.ChokepointBridge";
    private static final String AGENT_CLASS = "dev/chokepoint/agent/ChokepointAgent.class";

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final ObjectName agent = ObjectNames.AGENT;

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
                throw new IllegalStateException("-javaagent expected, but there is no " + agent + " MBean");
            }
        } else if (present() || bridgeLoaded()) {
            throw new IllegalStateException("run without agent, but the agent is in this JVM");
        } else if (ClassLoader.getSystemClassLoader().getResource(AGENT_CLASS) != null) {
            // -javaagent appends its jar to the class path; without it, the agent's classes must not be there
            throw new IllegalStateException("run without agent, but the agent's classes are on the classpath");
        }
    }

    String config() {
        return (String) attribute(AgentAttributes.CONFIG);
    }

    long samplingTicks() {
        return (Long) attribute(AgentAttributes.SAMPLING_TICKS);
    }

    long samplingErrors() {
        return (Long) attribute(AgentAttributes.SAMPLING_ERRORS);
    }

    int subtasks() {
        return (Integer) attribute(AgentAttributes.SUBTASKS);
    }

    int taskThreads() {
        return (Integer) attribute(AgentAttributes.TASK_THREADS);
    }

    int timedThreads() {
        return (Integer) attribute(AgentAttributes.TIMED_THREADS);
    }

    double tickP99Micros() {
        return (Double) attribute(AgentAttributes.TICK_P99_MICROS);
    }

    /** Subtask MBeans ({@link ObjectNames#ALL_TASKS}) registered. */
    int taskMBeans() {
        return server.queryNames(ObjectNames.ALL_TASKS, null).size();
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

package dev.chokepoint.bench;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the agent loaded into this JVM through its MBeans on the platform MBean server, by name,
 * as any JMX client would: the benchmark never links against the agent's classes.
 */
final class AgentProbe {

    static final ObjectName AGENT = name("chokepoint:type=Agent");
    static final ObjectName ALL_TASKS = name("chokepoint:type=Task,*");

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    boolean present() {
        return server.isRegistered(AGENT);
    }

    String version() {
        return (String) get("Version");
    }

    String config() {
        return (String) get("Config");
    }

    int taskThreads() {
        return (Integer) get("TaskThreads");
    }

    /**
     * Task threads whose stack the last tick read (the others were settled without a walk: by their
     * state, by the buffer-request instrumentation, or by the Condition they are parked on).
     */
    int walkedThreads() {
        return (Integer) get("WalkedThreads");
    }

    long ticks() {
        return (Long) get("SamplingTicks");
    }

    long errors() {
        return (Long) get("SamplingErrors");
    }

    double lastTickMicros() {
        return (Double) get("LastTickMicros");
    }

    double tickP99Micros() {
        return (Double) get("TickP99Micros");
    }

    double tickMaxMicros() {
        return (Double) get("TickMaxMicros");
    }

    /** CPU time of the agent's sampler thread so far (-1 where the JVM does not measure it). */
    long samplerCpuNanos() {
        return (Long) get("SamplerCpuTimeNanos");
    }

    /** What the buffer-request instrumentation times, or why it is off or paused. */
    String instrumentation() {
        return (String) get("Instrumentation");
    }

    /** Threads that have waited in an instrumented buffer request (and not been forgotten since they ended). */
    int timedThreads() {
        return (Integer) get("TimedThreads");
    }

    long instrumentationErrors() {
        return (Long) get("InstrumentationErrors");
    }

    /**
     * The agent's {@code reconfigure(String)} operation: settings not named return to their defaults.
     * Returns the effective settings, or {@code error: ...}. They apply from the agent's next tick.
     */
    String reconfigure(String arguments) {
        try {
            return (String) server.invoke(AGENT, "reconfigure", new Object[] {arguments},
                    new String[] {String.class.getName()});
        } catch (JMException e) {
            throw new IllegalStateException("cannot invoke " + AGENT + " reconfigure: " + e, e);
        }
    }

    /** Each reported subtask's thread name and {@code BackPressureLevel}. */
    Map<String, String> levels() {
        Map<String, String> levels = new HashMap<>();
        for (ObjectName task : server.queryNames(ALL_TASKS, null)) {
            try {
                levels.put((String) server.getAttribute(task, "Thread"),
                        (String) server.getAttribute(task, "BackPressureLevel"));
            } catch (JMException e) {
                // unregistered while we looked: not one of ours
            }
        }
        return levels;
    }

    private Object get(String attribute) {
        try {
            return server.getAttribute(AGENT, attribute);
        } catch (JMException e) {
            throw new IllegalStateException("cannot read " + AGENT + " " + attribute + ": " + e, e);
        }
    }

    private static ObjectName name(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(name, e);
        }
    }
}

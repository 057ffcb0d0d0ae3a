package dev.chokepoint.bench;

import dev.chokepoint.api.AgentAttributes;
import dev.chokepoint.api.ObjectNames;
import dev.chokepoint.api.TaskAttributes;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the agent loaded into this JVM through its MBeans on the platform MBean server, by the
 * contract's names, as any JMX client would: the benchmark never links against the agent's classes.
 */
final class AgentProbe {

    static final ObjectName AGENT = ObjectNames.AGENT;

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    boolean present() {
        return server.isRegistered(AGENT);
    }

    String version() {
        return (String) get(AgentAttributes.VERSION);
    }

    String config() {
        return (String) get(AgentAttributes.CONFIG);
    }

    int taskThreads() {
        return (Integer) get(AgentAttributes.TASK_THREADS);
    }

    /**
     * Task threads whose stack the last tick read (the others were settled without a walk: by their
     * state, by the buffer-request instrumentation, or by the Condition they are parked on).
     */
    int walkedThreads() {
        return (Integer) get(AgentAttributes.WALKED_THREADS);
    }

    long ticks() {
        return (Long) get(AgentAttributes.SAMPLING_TICKS);
    }

    long errors() {
        return (Long) get(AgentAttributes.SAMPLING_ERRORS);
    }

    double lastTickMicros() {
        return (Double) get(AgentAttributes.LAST_TICK_MICROS);
    }

    double tickP99Micros() {
        return (Double) get(AgentAttributes.TICK_P99_MICROS);
    }

    double tickMaxMicros() {
        return (Double) get(AgentAttributes.TICK_MAX_MICROS);
    }

    /** CPU time of the agent's sampler thread so far (-1 where the JVM does not measure it). */
    long samplerCpuNanos() {
        return (Long) get(AgentAttributes.SAMPLER_CPU_TIME_NANOS);
    }

    /** What the buffer-request instrumentation times, or why it is off or paused. */
    String instrumentation() {
        return (String) get(AgentAttributes.INSTRUMENTATION);
    }

    /** Threads that have waited in an instrumented buffer request (and not been forgotten since they ended). */
    int timedThreads() {
        return (Integer) get(AgentAttributes.TIMED_THREADS);
    }

    long instrumentationErrors() {
        return (Long) get(AgentAttributes.INSTRUMENTATION_ERRORS);
    }

    /**
     * The agent's {@code reconfigure(String)} operation: settings not named return to their defaults.
     * Returns the effective settings, or {@code error: ...}. They apply from the agent's next tick.
     */
    String reconfigure(String arguments) {
        try {
            return (String) server.invoke(AGENT, AgentAttributes.RECONFIGURE, new Object[] {arguments},
                    new String[] {String.class.getName()});
        } catch (JMException e) {
            throw new IllegalStateException("cannot invoke " + AGENT + " reconfigure: " + e, e);
        }
    }

    /** Each reported subtask's thread name and {@code BackPressureLevel}. */
    Map<String, String> levels() {
        Map<String, String> levels = new HashMap<>();
        for (ObjectName task : server.queryNames(ObjectNames.ALL_TASKS, null)) {
            try {
                levels.put((String) server.getAttribute(task, TaskAttributes.THREAD),
                        (String) server.getAttribute(task, TaskAttributes.BACK_PRESSURE_LEVEL));
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
}

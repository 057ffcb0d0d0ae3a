package dev.chokepoint.agent;

import dev.chokepoint.agent.log.AgentLog;
import dev.chokepoint.agent.config.AgentConfig;
import dev.chokepoint.agent.config.ConfigException;
import dev.chokepoint.agent.config.ConfigParser;
import dev.chokepoint.agent.export.AgentControl;
import dev.chokepoint.agent.serve.PrivateJmxServer;
import dev.chokepoint.api.SystemProperties;

import dev.chokepoint.agent.instrument.BootstrapBridge;
import dev.chokepoint.agent.instrument.FlinkProbes;

import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.Properties;

/**
 * The one monitor of this JVM. Every way in ({@code premain}, each {@code agentmain}, the Agent
 * MBean's {@code reconfigure}) goes through here, so a JVM never runs two samplers.
 */
final class Chokepoint {

    private static final Object LOCK = new Object();
    /** The Agent MBean's operations. */
    private static final AgentControl CONTROL = new AgentControl() {
        @Override
        public String reconfigure(String arguments) {
            return Chokepoint.reconfigure(arguments);
        }

        @Override
        public String detach() {
            return Chokepoint.detach();
        }
    };
    /** The sampler's report that it could not register the Agent MBean: the start is undone. */
    private static final SamplerThread.StartFailure START_FAILURE = new SamplerThread.StartFailure() {
        @Override
        public void startFailed(SamplerThread sampler, String why) {
            synchronized (LOCK) {
                if (loop == sampler) { // not detached or replaced meanwhile
                    undoStart(why);
                }
            }
        }
    };
    private static SamplerThread loop;
    private static FlinkProbes probes;

    private Chokepoint() {
    }

    /** Starts the monitor, or reconfigures the running one. Never throws. */
    static void startOrReconfigure(String arguments, String how, Instrumentation instrumentation) {
        synchronized (LOCK) {
            AgentConfig config;
            try {
                config = ConfigParser.parse(arguments, System.getProperties());
            } catch (ConfigException e) {
                if (loop == null) {
                    AgentLog.error("agent disabled: " + e.getMessage());
                } else {
                    AgentLog.error("new settings rejected, keeping " + loop.config() + ": " + e.getMessage());
                }
                return;
            }
            if (loop == null) {
                start(config, how, instrumentation);
            } else {
                apply(config);
                AgentLog.info("reconfigured (" + how + "): " + config);
            }
        }
    }

    /**
     * All or nothing: a failure once Flink's classes may have been rewritten undoes the rewrite and
     * stops the sampler before the agent reports itself off, so that no rewritten code is left
     * without an Agent MBean to detach it. Under LOCK.
     */
    private static void start(AgentConfig config, String how, Instrumentation instrumentation) {
        try {
            // The bridge must be in the bootstrap loader before anything links it, and of our build's shape.
            String bridgeProblem = instrumentation == null ? null : BootstrapBridge.inject(instrumentation);
            probes = new FlinkProbes(instrumentation, bridgeProblem);
            applyTiming(config);
            loop = new SamplerThread(config, version(), probes, CONTROL, START_FAILURE);
            loop.start();
            // Lets tools that list JVMs see the agent from the JVM's properties, without JMX.
            System.setProperty(SystemProperties.AGENT_VERSION, version());
            AgentLog.info(version() + " started (" + how + "): " + config);
        } catch (Throwable t) {
            undoStart("unexpected failure while starting: " + t);
            return;
        }
        warnUnknownSystemProperties();
    }

    /** Takes back whatever a start did; never throws. Under LOCK. */
    private static void undoStart(String why) {
        boolean restored = true;
        try {
            if (loop != null) {
                loop.requestStop(); // it unregisters what it registered on its way out
            }
            restored = probes == null || probes.remove();
            System.clearProperty(SystemProperties.AGENT_VERSION);
        } catch (Throwable t) {
            restored = false;
        } finally {
            loop = null;
            probes = null;
        }
        AgentLog.error("agent disabled: " + why + "; the start was undone: "
                + (restored ? "Flink's original buffer-pool code is back" : "Flink's original buffer-pool code could not be"
                + " restored, the rewritten waits only wait"));
    }

    private static void warnUnknownSystemProperties() {
        List<String> unknown = ConfigParser.unknownSystemProperties(System.getProperties());
        if (!unknown.isEmpty()) {
            AgentLog.error("ignoring system properties " + unknown + ": no such setting; the settings are "
                    + ConfigParser.SYSTEM_PROPERTY_PREFIX + "<key> for the keys " + ConfigParser.KEYS);
        }
    }

    /** For the Agent MBean: the effective settings, or the error while the current ones stay. */
    static String reconfigure(String arguments) {
        synchronized (LOCK) {
            if (loop == null) {
                return "error: the agent is not running";
            }
            try {
                AgentConfig config = ConfigParser.parse(arguments, System.getProperties());
                apply(config);
                AgentLog.info("reconfigured (JMX): " + config);
                return config.toString();
            } catch (ConfigException e) {
                return "error: " + e.getMessage();
            }
        }
    }

    private static void apply(AgentConfig config) {
        applyTiming(config);
        loop.reconfigure(config);
    }

    private static void applyTiming(AgentConfig config) {
        probes.setTiming(config.instrument());
    }

    /**
     * Takes the agent out of this JVM: Flink's classes get their original code back, the sampler
     * thread ends and every MBean goes. A later attach starts afresh. Never throws.
     */
    static String detach() {
        synchronized (LOCK) {
            if (loop == null) {
                return "not running";
            }
            try {
                boolean restored = probes.remove();
                boolean stopped = loop.stop(10_000);
                System.clearProperty(SystemProperties.AGENT_VERSION);
                loop = null;
                probes = null;
                // a CLI's private connector closes when the CLI disconnects; any other one shortly
                PrivateJmxServer.stopAllSoon();
                String result = "detached" + (restored ? "" : "; Flink's original buffer-pool code could not be restored")
                        + (stopped ? "" : "; the sampler thread has not ended yet");
                AgentLog.info(result);
                return result;
            } catch (Throwable t) {
                AgentLog.error("detach failed: " + t);
                return "error: " + t;
            }
        }
    }

    static boolean running() {
        synchronized (LOCK) {
            return loop != null;
        }
    }

    static String version() {
        Properties properties = new Properties();
        try (InputStream in = Chokepoint.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (Exception ignored) {
            // an unknown version is reported as such
        }
        return properties.getProperty("version", "unknown");
    }
}

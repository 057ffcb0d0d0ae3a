package dev.chokepoint.cli.attach;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import dev.chokepoint.api.AgentAttributes;
import dev.chokepoint.api.ObjectNames;
import dev.chokepoint.api.SystemProperties;
import dev.chokepoint.cli.common.CliException;
import dev.chokepoint.cli.common.Version;
import dev.chokepoint.cli.jmx.AttachFailure;
import dev.chokepoint.cli.jmx.ChokepointReader;
import dev.chokepoint.cli.jmx.LocalJmxConnection;
import dev.chokepoint.cli.jmx.PrivateConnectorFile;

import javax.management.JMException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Attaches to a local JVM, loads or reconfigures the agent, and opens the JMX connection to its
 * MBeans, turning every failure of the attach API into one message with the fix. Never starts the
 * JDK's local management agent, which would listen for the rest of the JVM's life.
 */
public final class Attacher {

    /** The agent runs on Java 8 and later. */
    static final int OLDEST_JAVA = 8;
    private static final long AGENT_START_MILLIS = 5_000;

    private final PrintStream notes;
    private boolean warned;

    /** {@code notes}: where warnings that do not stop the command go (stderr). */
    public Attacher(PrintStream notes) {
        this.notes = notes;
    }

    /** The result of {@link #connect}: the JMX connection, and whether the agent was loaded just now. */
    public static final class Connected {
        public final LocalJmxConnection connection;
        public final ChokepointReader reader;
        public final boolean loadedNow;
        public final String agentVersion;
        /** The effective settings the running agent returned for a reconfiguration; null otherwise. */
        public final String reconfigured;

        Connected(LocalJmxConnection connection, boolean loadedNow, String agentVersion) {
            this(connection, loadedNow, agentVersion, null);
        }

        Connected(LocalJmxConnection connection, boolean loadedNow, String agentVersion, String reconfigured) {
            this.reconfigured = reconfigured;
            this.connection = connection;
            this.reader = new ChokepointReader(connection.mbeans());
            this.loadedNow = loadedNow;
            this.agentVersion = agentVersion;
        }
    }

    /** The agent property that holds the address of the JDK's local JMX connector, once something started it. */
    static final String LOCAL_CONNECTOR_ADDRESS = "com.sun.management.jmxremote.localConnectorAddress";
    private static final Pattern JAVAAGENT = Pattern.compile("-javaagent:(\\S*chokepoint\\S*?\\.jar)");

    /**
     * Connects to JVM {@code pid}; loads the agent when it is not running there. {@code settings}
     * non-null: apply them (load with them, or reconfigure the running agent); null: leave a running
     * agent as it is and load a new one with its defaults. {@code onlyIntoFlink}: load no agent into a
     * JVM that is not Flink (as {@code list} tells), but read one that already runs the agent.
     *
     * <p>Opens nothing that outlives the command: it reuses a JMX connector the JVM already runs, or
     * has the agent open a private one for this connection ({@link PrivateConnectorFile}).
     */
    public Connected connect(long pid, String settings, Path agentOption, boolean onlyIntoFlink) {
        VirtualMachine vm = attach(pid);
        try {
            Properties properties = systemProperties(vm, pid);
            checkJavaVersion(pid, properties);
            Properties agentProperties = agentProperties(vm, pid);
            String running = properties.getProperty(SystemProperties.AGENT_VERSION);
            if (running != null) {
                checkRunningVersion(pid, running);
                LocalJmxConnection connection = open(pid, vm, properties, agentProperties, agentOption, "");
                try {
                    String effective = settings == null ? null : reconfigure(pid, connection, settings);
                    return new Connected(connection, false, running, effective);
                } catch (IOException e) {
                    connection.close();
                    throw lost(pid, e);
                } catch (RuntimeException e) {
                    connection.close();
                    throw e;
                }
            }
            if (onlyIntoFlink && Jvms.NOT_FLINK.equals(Jvms.flinkKind(properties))) {
                throw notFlink(pid, properties);
            }
            LocalJmxConnection connection = open(pid, vm, properties, agentProperties, agentOption,
                    settings == null ? "" : settings);
            try {
                awaitAgent(pid, new ChokepointReader(connection.mbeans()), settings);
                return new Connected(connection, true, Version.cli());
            } catch (IOException e) {
                connection.close();
                throw lost(pid, e);
            } catch (RuntimeException e) {
                connection.close();
                throw e;
            }
        } finally {
            detachQuietly(vm);
        }
    }

    /** Connects to JVM {@code pid}'s running agent, loading nothing new; fails when the agent is not running. */
    public LocalJmxConnection connectToRunningAgent(long pid, Path agentOption) {
        VirtualMachine vm = attach(pid);
        try {
            Properties properties = systemProperties(vm, pid);
            String running = properties.getProperty(SystemProperties.AGENT_VERSION);
            if (running == null) {
                throw new CliException("Chokepoint is not running in JVM " + pid, "nothing to detach; 'chokepoint list'"
                        + " shows the JVMs it runs in");
            }
            checkRunningVersion(pid, running);
            return open(pid, vm, properties, agentProperties(vm, pid), agentOption, "");
        } finally {
            detachQuietly(vm);
        }
    }

    /**
     * The JMX connection: over the connector the JVM already runs when it has one (nothing new opens),
     * else over a private connector that the agent, loaded with {@code settings} (which start it, or
     * with the agent running are empty and change nothing), opens for this connection alone.
     */
    private LocalJmxConnection open(long pid, VirtualMachine vm, Properties properties, Properties agentProperties,
            Path agentOption, String settings) {
        String existing = agentProperties.getProperty(LOCAL_CONNECTOR_ADDRESS);
        boolean running = properties.getProperty(SystemProperties.AGENT_VERSION) != null;
        try {
            if (existing != null) {
                if (!running) {
                    Path jar = AgentJar.locate(agentOption);
                    warnAboutDynamicLoading(pid, properties, agentProperties);
                    load(pid, vm, jar, settings);
                }
                return LocalJmxConnection.connect(pid, existing);
            }
            Path jar = running ? runningAgentJar(agentOption, properties, agentProperties) : AgentJar.locate(agentOption);
            warnAboutDynamicLoading(pid, properties, agentProperties);
            try (PrivateConnectorFile file = PrivateConnectorFile.create(ownerIfOther(pid))) {
                load(pid, vm, jar, settings.isEmpty() ? file.agentOption() : settings + "," + file.agentOption());
                return file.connect(pid);
            }
        } catch (AttachFailure e) {
            throw new CliException(e.getMessage(), "the agent printed the reason ('[chokepoint] ERROR ...') on that"
                    + " JVM's stderr; or start the JDK's own local JMX connector in it (jcmd " + pid
                    + " ManagementAgent.start_local), which chokepoint then uses", e);
        }
    }

    /** The agent jar to load for a connector into a JVM that runs the agent: ours, else the one it runs. */
    private static Path runningAgentJar(Path agentOption, Properties properties, Properties agentProperties) {
        try {
            return AgentJar.locate(agentOption);
        } catch (CliException notFound) {
            Matcher javaagent = JAVAAGENT.matcher(agentProperties.getProperty("sun.jvm.args", ""));
            if (agentOption == null && javaagent.find()) {
                Path jar = Paths.get(javaagent.group(1));
                if (!jar.isAbsolute()) {
                    jar = Paths.get(properties.getProperty("user.dir", ".")).resolve(jar);
                }
                if (Files.isRegularFile(jar)) {
                    return jar;
                }
            }
            throw notFound;
        }
    }

    /** The JVM's OS user when it is not ours (this command runs as root), else null. */
    private static String ownerIfOther(long pid) {
        String owner = ProcessHandle.of(pid).flatMap(p -> p.info().user()).orElse(null);
        return owner == null || owner.equals(Jvms.user()) ? null : owner;
    }

    static CliException notFlink(long pid, Properties properties) {
        String main = properties.getProperty("sun.java.command", "").split(" ", 2)[0];
        return new CliException("JVM " + pid + " does not look like Flink (main class " + (main.isEmpty() ? "?" : main)
                + ", no flink-runtime or flink-dist on its class path), so status loads no agent into it",
                "to watch it anyway, load the agent first with 'chokepoint attach " + pid + "', or run 'chokepoint status --force "
                        + pid + "'");
    }

    private static CliException lost(long pid, IOException e) {
        return new CliException("lost the connection to JVM " + pid + ": " + e.getMessage(),
                "check that the JVM is still running", e);
    }

    static VirtualMachine attach(long pid) {
        Jvms.checkPid(pid);
        try {
            return VirtualMachine.attach(Long.toString(pid));
        } catch (AttachNotSupportedException | IOException e) {
            throw attachFailure(pid, e);
        }
    }

    /** Maps the attach API's exceptions, whose texts differ between JDKs, to what the user should do. */
    static CliException attachFailure(long pid, Exception e) {
        String message = String.valueOf(e.getMessage());
        String commandLine = Jvms.commandLine(pid);
        if (message.contains("does not support the attach mechanism")
                || commandLine.contains("-XX:+DisableAttachMechanism")) {
            return disabledAttach(pid, e);
        }
        if (message.contains("Permission denied") || message.contains("not secure")
                || message.contains("doesn't match") || message.contains("Operation not permitted")) {
            String owner = ProcessHandle.of(pid).flatMap(p -> p.info().user()).orElse("another user");
            return Jvms.otherUser(pid, owner);
        }
        if (message.contains("Unable to open socket file") || message.contains("doesn't respond")
                || message.contains("No such file")) {
            return new CliException("JVM " + pid + " did not open its attach socket (.java_pid" + pid
                    + " in its /tmp): " + message,
                    "its /tmp was cleaned (tmpreaper, systemd-tmpfiles) or is another one (a container: run chokepoint"
                            + " inside it, e.g. docker exec), or the JVM is stopped or hung; restarting the JVM"
                            + " (or -javaagent) always works", e);
        }
        return new CliException("cannot attach to JVM " + pid + ": " + message,
                "check that it is a running HotSpot/OpenJDK JVM of your user", e);
    }

    static CliException disabledAttach(long pid, Exception cause) {
        return new CliException("JVM " + pid + " runs with -XX:+DisableAttachMechanism: it accepts no attach",
                "restart it without that flag, or load the agent at start with -javaagent:" + AgentJar.FILE_NAME, cause);
    }

    private static Properties agentProperties(VirtualMachine vm, long pid) {
        try {
            return vm.getAgentProperties();
        } catch (IOException e) {
            throw new CliException("JVM " + pid + " did not answer the attach request: " + e.getMessage(),
                    "check that the JVM is still running", e);
        }
    }

    private static Properties systemProperties(VirtualMachine vm, long pid) {
        try {
            return vm.getSystemProperties();
        } catch (IOException e) {
            throw new CliException("JVM " + pid + " did not answer the attach request: " + e.getMessage(),
                    "check that the JVM is still running", e);
        }
    }

    static void checkJavaVersion(long pid, Properties properties) {
        String spec = properties.getProperty("java.specification.version", "");
        int feature = javaFeature(spec);
        if (feature > 0 && feature < OLDEST_JAVA) {
            throw new CliException("JVM " + pid + " runs Java " + spec + " (" + properties.getProperty("java.version", "?")
                    + "); the Chokepoint agent needs Java " + OLDEST_JAVA + " or later",
                    "run the job on Java 8+ (Flink itself needs 8+)");
        }
    }

    /** 8 for "1.8", 17 for "17"; 0 when unknown. */
    static int javaFeature(String spec) {
        try {
            String feature = spec.startsWith("1.") ? spec.substring(2) : spec;
            int dot = feature.indexOf('.');
            return Integer.parseInt(dot < 0 ? feature : feature.substring(0, dot));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static void checkRunningVersion(long pid, String running) {
        if (!running.equals(Version.cli())) {
            throw new CliException("JVM " + pid + " already runs Chokepoint " + running + ", this CLI is "
                    + Version.cli(), "use the chokepoint CLI of version " + running
                    + " with this JVM, or restart the JVM to load " + Version.cli());
        }
    }

    /** JDK 21+ prints a warning when an agent is loaded into a running JVM that did not opt in (JEP 451). */
    private void warnAboutDynamicLoading(long pid, Properties properties, Properties agentProperties) {
        int feature = javaFeature(properties.getProperty("java.specification.version", ""));
        if (feature < 21 || warned) {
            return;
        }
        warned = true;
        if (!enablesDynamicLoading(agentProperties.getProperty("sun.jvm.args", ""))) {
            notes.println("chokepoint: note: JVM " + pid + " runs Java " + feature + ", which prints a warning about a"
                    + " dynamically loaded agent on its stderr now; it is harmless.");
            notes.println("  hint: start the JVM with -XX:+EnableDynamicAgentLoading to allow it without the warning,"
                    + " or load the agent with -javaagent:" + AgentJar.FILE_NAME);
        }
    }

    static boolean enablesDynamicLoading(String jvmArgs) {
        int on = jvmArgs.lastIndexOf("-XX:+EnableDynamicAgentLoading");
        int off = jvmArgs.lastIndexOf("-XX:-EnableDynamicAgentLoading");
        return on >= 0 && on > off;
    }

    private static void load(long pid, VirtualMachine vm, Path jar, String settings) {
        try {
            vm.loadAgent(jar.toString(), settings);
        } catch (AgentLoadException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("EnableDynamicAgentLoading") || message.contains("not enabled")) {
                throw new CliException("JVM " + pid + " does not allow agents to be loaded while it runs: " + message,
                        "restart it with -XX:+EnableDynamicAgentLoading, or with -javaagent:" + jar, e);
            }
            throw new CliException("JVM " + pid + " refused to load " + jar + ": " + message,
                    "check that the JVM user can read the jar, and the JVM's stderr", e);
        } catch (AgentInitializationException e) {
            throw new CliException("the agent failed to start in JVM " + pid + " (return code " + e.returnValue() + ")",
                    "its reason is on that JVM's stderr", e);
        } catch (IOException e) {
            throw new CliException("lost the attach connection to JVM " + pid + " while loading the agent: "
                    + e.getMessage(), "check that the JVM is still running", e);
        }
    }

    /** The agent registers its MBean when it starts; it stays off (saying why on the JVM's stderr) on bad settings. */
    private static void awaitAgent(long pid, ChokepointReader reader, String settings) throws IOException {
        long deadline = System.nanoTime() + AGENT_START_MILLIS * 1_000_000;
        while (!reader.agentLoaded()) {
            if (System.nanoTime() > deadline) {
                throw new CliException("the agent loaded into JVM " + pid + " but did not start"
                        + (settings == null || settings.isEmpty() ? "" : " with the settings '" + settings + "'"),
                        "the agent printed the reason ('[chokepoint] ERROR ...') on that JVM's stderr: usually a bad"
                                + " --set value; see the README's options table");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted", null);
            }
        }
    }

    private static String reconfigure(long pid, LocalJmxConnection connection, String settings) throws IOException {
        Object result;
        try {
            result = connection.mbeans().invoke(ObjectNames.AGENT, AgentAttributes.RECONFIGURE, new Object[] {settings},
                    new String[] {String.class.getName()});
        } catch (JMException e) {
            throw new CliException("cannot reconfigure the agent in JVM " + pid + ": " + e.getMessage(), null, e);
        }
        String text = String.valueOf(result);
        if (text.startsWith("error:")) {
            throw new CliException("JVM " + pid + " kept its settings: " + text.substring("error:".length()).trim(),
                    "fix the --set value; the README's options table lists each key and its accepted values");
        }
        return text;
    }

    private static void detachQuietly(VirtualMachine vm) {
        try {
            vm.detach();
        } catch (IOException ignored) {
            // only our side of the attach socket
        }
    }
}

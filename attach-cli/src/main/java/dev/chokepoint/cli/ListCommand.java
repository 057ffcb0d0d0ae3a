package dev.chokepoint.cli;

import com.sun.tools.attach.VirtualMachine;
import dev.chokepoint.api.AgentAttributes;
import dev.chokepoint.api.SystemProperties;
import dev.chokepoint.cli.attach.AgentJar;
import dev.chokepoint.cli.attach.Jvms;
import dev.chokepoint.cli.common.CliException;
import dev.chokepoint.cli.jmx.ChokepointReader;
import picocli.CommandLine.Command;

import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"Lists the local JVMs of this user: pid, whether it looks like Flink, whether Chokepoint is"
                + " loaded (and its version), main class.",
                "Reads each JVM's properties over the attach mechanism; starts nothing in them."})
final class ListCommand implements Callable<Integer> {

    private static final Pattern JAVAAGENT = Pattern.compile("-javaagent:(\\S*chokepoint\\S*?\\.jar)");

    @picocli.CommandLine.Parameters(arity = "0..1", paramLabel = "<name>",
            description = "only the JVMs with this in their main class or arguments (only those are probed)")
    String filter;

    @Override
    public Integer call() {
        List<Jvms.Jvm> jvms = Jvms.list();
        if (filter != null) {
            String needle = filter.toLowerCase(Locale.ROOT);
            jvms.removeIf(j -> !j.displayName.toLowerCase(Locale.ROOT).contains(needle));
        }
        if (jvms.isEmpty()) {
            System.out.println("no JVMs of user " + System.getProperty("user.name")
                    + " found (the attach mechanism lists the JVMs whose /tmp/hsperfdata_<user> files it sees)");
            return 0;
        }
        System.out.println(String.format(Locale.ROOT, "%-8s  %-22s  %-20s  %s", "PID", "FLINK", "CHOKEPOINT", "MAIN CLASS"));
        for (Jvms.Jvm jvm : jvms) {
            Probe probe = probe(jvm.pid);
            System.out.println(String.format(Locale.ROOT, "%-8d  %-22s  %-20s  %s", jvm.pid, probe.flink, probe.chokepoint,
                    Jvms.shorten(jvm.displayName.isEmpty() ? "?" : jvm.displayName, 100)));
        }
        return 0;
    }

    static final class Probe {
        String flink = "?";
        String chokepoint = "?";
    }

    private static Probe probe(long pid) {
        Probe probe = new Probe();
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(Long.toString(pid));
        } catch (Exception e) {
            probe.flink = "? (no attach)";
            probe.chokepoint = "? (no attach)";
            return probe;
        }
        try {
            Properties system = vm.getSystemProperties();
            Properties agent = vm.getAgentProperties();
            probe.flink = Jvms.flinkKind(system);
            probe.chokepoint = chokepoint(agent, system);
        } catch (Exception e) {
            probe.chokepoint = "? (" + e.getClass().getSimpleName() + ")";
        } finally {
            try {
                vm.detach();
            } catch (Exception ignored) {
                // only our side of the attach socket
            }
        }
        return probe;
    }

    /**
     * Without starting anything in the JVM: from the version property a running agent sets, over a
     * JMX connector the JVM already runs (e.g. jconsole started the JDK's), or from its
     * {@code -javaagent} option.
     */
    private static String chokepoint(Properties agent, Properties system) {
        String version = system.getProperty(SystemProperties.AGENT_VERSION);
        if (version != null) {
            return "yes " + version;
        }
        String address = agent.getProperty("com.sun.management.jmxremote.localConnectorAddress");
        if (address != null) {
            try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
                ChokepointReader reader = new ChokepointReader(connector.getMBeanServerConnection());
                return reader.agentAttribute(AgentAttributes.VERSION).map(v -> "yes " + v).orElse("no");
            } catch (Exception e) {
                // fall through to the command line
            }
        }
        String jvmArgs = agent.getProperty("sun.jvm.args", "");
        Matcher javaagent = JAVAAGENT.matcher(jvmArgs);
        if (javaagent.find()) {
            Path jar = Paths.get(javaagent.group(1));
            if (!jar.isAbsolute()) {
                jar = Paths.get(system.getProperty("user.dir", ".")).resolve(jar);
            }
            try {
                return Files.isRegularFile(jar) ? "yes " + AgentJar.version(jar) + " (-javaagent)" : "yes (-javaagent)";
            } catch (CliException e) {
                return "yes (-javaagent)";
            }
        }
        return "no";
    }
}

package dev.chokepoint.cli;

import dev.chokepoint.api.AgentAttributes;
import dev.chokepoint.api.ObjectNames;
import dev.chokepoint.cli.attach.Attacher;
import dev.chokepoint.cli.attach.Jvms;
import dev.chokepoint.cli.common.CliException;
import dev.chokepoint.cli.jmx.ChokepointReader;
import dev.chokepoint.cli.jmx.LocalJmxConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import javax.management.JMException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "detach", mixinStandardHelpOptions = true,
        description = {"Takes the Chokepoint agent out of a running JVM: Flink's classes get their original code back,"
                + " the sampler thread ends and the MBeans go. Attaching again later starts afresh."})
final class DetachCommand implements Callable<Integer> {

    @Parameters(paramLabel = "<pid|name>", description = "pid, or a part of the main class or arguments that matches one JVM")
    String target;

    @Option(names = "--agent", paramLabel = "PATH", description = "chokepoint-agent.jar, loaded only to open the"
            + " connection to the running agent (default: next to the CLI jar, or agent/target/, or the JVM's -javaagent)")
    Path agent;

    @Override
    public Integer call() {
        long pid = Jvms.resolve(target);
        try (LocalJmxConnection connection = new Attacher(System.err).connectToRunningAgent(pid, agent)) {
            if (!new ChokepointReader(connection.mbeans()).agentLoaded()) {
                throw new CliException("Chokepoint is not running in JVM " + pid, "nothing to detach; 'chokepoint list'"
                        + " shows the JVMs it runs in");
            }
            Object result = connection.mbeans().invoke(ObjectNames.AGENT, AgentAttributes.DETACH, new Object[0],
                    new String[0]);
            if (!String.valueOf(result).startsWith("detached")) {
                throw new CliException("JVM " + pid + " could not take Chokepoint out: " + result,
                        "its own output (stderr) says more");
            }
            System.out.println(result + ": Chokepoint left JVM " + pid);
            return 0;
        } catch (IOException | JMException e) {
            throw new CliException("lost the connection to JVM " + pid + " while detaching: " + e.getMessage(),
                    "check that the JVM is still running; 'chokepoint list' shows whether Chokepoint is still there", e);
        }
    }
}

package dev.chokepoint.cli;

import dev.chokepoint.api.AgentAttributes;
import dev.chokepoint.cli.attach.Attacher;
import dev.chokepoint.cli.attach.Jvms;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "attach", mixinStandardHelpOptions = true,
        description = {"Loads the Chokepoint agent into a running JVM, or reconfigures the agent already running there.",
                "A new attach replaces all settings: keys not given return to their defaults."})
final class AttachCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "<pid|name>", description = "pid, or a part of the main class or arguments that matches one JVM")
    String target;

    @Option(names = "--set", paramLabel = "key=value",
            description = "agent setting, repeatable: " + SettingOptions.KEY_LIST)
    List<String> settings = new ArrayList<>();

    @Option(names = "--agent", paramLabel = "PATH",
            description = "chokepoint-agent.jar (default: next to the CLI jar, or the build tree's agent/target/)")
    Path agent;

    @Override
    public Integer call() throws Exception {
        String joined = SettingOptions.join(spec.commandLine(), settings);
        long pid = Jvms.resolve(target);
        PrintStream out = System.out;
        Attacher.Connected connected = new Attacher(System.err).connect(pid, joined, agent, false);
        try {
            Object config = connected.reconfigured != null ? connected.reconfigured
                    : connected.reader.agentAttribute(AgentAttributes.CONFIG).orElse("?");
            out.println((connected.loadedNow ? "attached Chokepoint " : "reconfigured Chokepoint ")
                    + connected.agentVersion + " in JVM " + pid + ": " + config);
            out.println("next: chokepoint status " + pid + " --wait");
        } finally {
            connected.connection.close();
        }
        return 0;
    }
}

package dev.chokepoint.cli;

import dev.chokepoint.cli.common.CliException;
import dev.chokepoint.cli.common.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** {@code chokepoint}: find JVMs, attach the agent, show where the backpressure comes from. */
@Command(name = "chokepoint", mixinStandardHelpOptions = true, versionProvider = ChokepointCli.VersionProvider.class,
        description = "Continuous backpressure monitor for Apache Flink: attaches the Chokepoint agent to a local"
                + " JVM and shows which task is backpressured and where it comes from.",
        subcommands = {ListCommand.class, AttachCommand.class, StatusCommand.class, DetachCommand.class, DemoCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:failure (the message says why and what to do)", "2:usage error"},
        footer = {"", "Nothing opens a network port: the CLI uses the local attach mechanism (same OS user only)"
                + " and the attach API's local JMX connector, or (status --rest) Flink's REST API as a client."})
public final class ChokepointCli implements Runnable {

    public static final int FAILURE = 1;
    public static final int USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is missing");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        CommandLine cli = commandLine();
        return cli.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ChokepointCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (e instanceof CliException) {
                err.println("chokepoint: error: " + e.getMessage());
                String hint = ((CliException) e).hint();
                if (hint != null) {
                    err.println("  hint: " + hint);
                }
                err.flush();
                return FAILURE;
            }
            err.println("chokepoint: unexpected failure: " + e);
            e.printStackTrace(err);
            err.flush();
            return FAILURE;
        });
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine commandLine = e.getCommandLine();
            PrintWriter err = commandLine.getErr();
            err.println("chokepoint: " + e.getMessage());
            err.println("  hint: " + commandLine.getCommandSpec().qualifiedName() + " --help shows the usage");
            err.flush();
            return USAGE;
        });
        return cli;
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"chokepoint " + Version.cli() + " (Java " + Runtime.version() + ")"};
        }
    }
}

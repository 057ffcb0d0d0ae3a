package dev.chokepoint.cli;

import dev.chokepoint.cli.attach.Attacher;
import dev.chokepoint.cli.attach.Jvms;
import dev.chokepoint.cli.common.CliException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows the backpressure report of a JVM, or with --rest of a whole job over every TaskManager:"
                + " one row per vertex (its worst subtask), the subtasks beneath, and where the backpressure comes from.",
                "Without --rest: loads the agent first (with its defaults) when it is not running in a Flink JVM;"
                        + " into a JVM that is not Flink only with --force (or after 'chokepoint attach')."})
final class StatusCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "<pid|name>", arity = "0..1",
            description = "pid, or a part of the main class or arguments that matches one JVM (not with --rest)")
    String target;

    @Option(names = "--rest", paramLabel = "URL", description = "read the job through the Flink JobManager's REST API"
            + " (e.g. http://jobmanager:8081), over every TaskManager: no attach, no JMX")
    String rest;

    @Option(names = "--job", paramLabel = "ID|NAME", description = "with --rest: the job (id or exact name); needed"
            + " when several run")
    String job;

    @Option(names = "--json", description = "one JSON object (per reading) instead of the table")
    boolean json;

    @Option(names = "--watch", arity = "0..1", paramLabel = "SECONDS", fallbackValue = "2",
            description = "show a new reading every SECONDS (default ${FALLBACK-VALUE}) until Ctrl-C")
    Double watch;

    @Option(names = "--count", paramLabel = "N", description = "with --watch: stop after N readings")
    Integer count;

    @Option(names = "--wait", description = "first wait (showing progress on stderr) until every subtask has a full"
            + " sampling window (with --rest: until the JobManager has fetched every subtask's metrics)")
    boolean await;

    @Option(names = "--since", paramLabel = "DURATION", converter = SinceDuration.class,
            description = "the history's part to show and judge: e.g. 90s, 5m, 1h (default: all the agent keeps; with"
                    + " --rest --watch, subtasks without the agent's history: all this watch has read)")
    Long since;

    @Option(names = "--force", description = "load the agent even into a JVM that does not look like Flink"
            + " (see 'chokepoint list')")
    boolean force;

    @Option(names = "--agent", paramLabel = "PATH",
            description = "chokepoint-agent.jar to load if needed (default: next to the CLI jar, or agent/target/)")
    Path agent;

    @Override
    public Integer call() throws Exception {
        if (watch != null && !(watch > 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--watch SECONDS must be more than 0");
        }
        if (count != null && count < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--count must be at least 1");
        }
        if (rest != null) {
            if (target != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give a <pid|name> or --rest URL, not both");
            }
            if (force) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--force goes without --rest: the REST"
                        + " API loads no agent");
            }
            if (agent != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--agent goes without --rest: the REST"
                        + " API reads the agents the TaskManagers already run");
            }
            RestStatus.run(rest, job, json, watch, count, await, since, System.out, System.err);
            return 0;
        }
        if (target == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "a <pid|name> or --rest URL is missing");
        }
        if (job != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--job goes with --rest");
        }
        long pid = Jvms.resolve(target);
        Attacher.Connected connected = new Attacher(System.err).connect(pid, null, agent, !force);
        try {
            if (connected.loadedNow) {
                System.err.println("chokepoint: attached Chokepoint " + connected.agentVersion + " to JVM " + pid
                        + " (default settings); levels are provisional until the first full window"
                        + (await ? "" : " (--wait waits for it)"));
            }
            Watch view = new Watch(pid, connected.reader, System.out, System.err, json, since);
            ProcessHandle process = ProcessHandle.of(pid).orElse(null);
            if (connected.loadedNow) {
                view.awaitSubtasks(5_000);
            }
            if (await) {
                view.awaitFullWindow(() -> process != null && process.isAlive());
            }
            run(view, pid, watch, count, () -> process != null && process.isAlive());
        } finally {
            connected.connection.close();
        }
        return 0;
    }

    /** Shows readings until {@code count} is reached (null: forever with a {@code watch}, else one). */
    static void run(Watch view, long pid, Double watch, Integer count, java.util.function.BooleanSupplier alive)
            throws InterruptedException {
        long intervalMillis = watch == null ? 0 : Math.round(watch * 1000);
        int shown = 0;
        long next = System.nanoTime();
        while (true) {
            try {
                view.show(view.read(), watch != null);
            } catch (IOException e) {
                if (!alive.getAsBoolean()) {
                    throw new CliException("JVM " + pid + " exited", null);
                }
                throw new CliException("lost the JMX connection to JVM " + pid + ": " + e.getMessage(),
                        "run the command again", e);
            }
            shown++;
            if (watch == null || (count != null && shown >= count)) {
                return;
            }
            next += intervalMillis * 1_000_000;
            long sleep = (next - System.nanoTime()) / 1_000_000;
            if (sleep > 0) {
                Thread.sleep(sleep);
            }
        }
    }
}

package dev.chokepoint.demo;

import dev.chokepoint.cli.jmx.AttachFailure;
import dev.chokepoint.cli.jmx.ChokepointReader;
import dev.chokepoint.cli.jmx.LocalJmxConnection;
import dev.chokepoint.cli.jmx.TaskSnapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo: starts {@link DemoJob} in its own JVM, attaches Chokepoint to it the way an operator
 * would attach to a running TaskManager, and shows the agent's live report every second.
 *
 * <p>Usage: {@code java -cp <classpath> dev.chokepoint.demo.DemoMain [agent-jar]}, or the agent jar
 * in {@code -Dchokepoint.agent.jar}. {@code -Ddemo.seconds=N} stops after N seconds (default: run
 * until Ctrl-C); {@code -Ddemo.dir} holds the job's log and temp files (default {@code target/demo}).
 */
public final class DemoMain {

    /** Printed before the job starts; tests find the child JVM by it. */
    static final String CHILD_PID = "Flink job JVM pid ";

    private static final Duration JOB_START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration REFRESH = Duration.ofSeconds(1);
    /** The agent's default window, as Flink ≤1.12's web.backpressure.num-samples. */
    private static final int DEFAULT_WINDOW = 100;
    private static final Pattern SAMPLES_SETTING = Pattern.compile("(?:^|,)samples=(\\d+)");

    /** Set by Ctrl-C: the job JVM then dies on purpose, which must not be reported as a failure. */
    private static volatile boolean stopping;

    private DemoMain() {
    }

    public static void main(String[] args) throws Exception {
        try {
            run(args);
        } catch (Failure e) {
            System.out.flush();
            System.err.println("demo: " + e.getMessage());
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(String[] args) throws Exception {
        Path agentJar = agentJar(args);
        long seconds = Long.getLong("demo.seconds", 0);
        Path workDir = Path.of(System.getProperty("demo.dir", "target/demo")).toAbsolutePath();

        System.out.println("Starting a Flink 1.20 job: Source: Events -> Parse -> Enrich (slow) -> Window -> Sink: Discard");
        ChildJvm job = ChildJvm.start(DemoJob.class, workDir, DemoJob.READY);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping = true;
            job.stop();
        }, "stop Flink job JVM"));
        System.out.println(CHILD_PID + job.pid() + " (its output goes to " + job.log() + ")");
        try {
            job.awaitReady(JOB_START_TIMEOUT);
        } catch (IOException e) {
            throw new Failure(e.getMessage());
        }

        System.out.println("Attaching Chokepoint " + agentJar + " to JVM " + job.pid());
        LocalJmxConnection connection;
        try {
            LocalJmxConnection.loadAgent(job.pid(), agentJar.toString(), "");
            connection = LocalJmxConnection.connect(job.pid());
        } catch (AttachFailure e) {
            throw new Failure("could not attach Chokepoint: " + e.getMessage() + " (the job's output is in "
                    + job.log() + ")");
        }
        show(job, new ChokepointReader(connection.mbeans()), seconds);
    }

    private static void show(ChildJvm job, ChokepointReader reader, long seconds) throws InterruptedException {
        ReportPrinter printer = ReportPrinter.forStdout();
        long start = System.nanoTime();
        long deadline = seconds > 0 ? start + Duration.ofSeconds(seconds).toNanos() : Long.MAX_VALUE;
        long next = start;
        while (true) {
            if (!job.isAlive()) {
                // Ctrl-C signals the job JVM too, and it may die a moment before our shutdown hook runs.
                Thread.sleep(500);
            }
            if (stopping) {
                return; // System.exit then waits for the shutdown hook to stop the job
            }
            if (!job.isAlive()) {
                throw new Failure("the Flink job JVM exited with code " + job.exitCode() + "; its last output ("
                        + job.log() + "):\n" + job.tail());
            }
            long now = System.nanoTime();
            Duration stopsIn = seconds > 0 ? Duration.ofNanos(deadline - now) : null;
            try {
                printer.print(read(job.pid(), reader, Duration.ofNanos(now - start), stopsIn));
            } catch (IOException e) {
                if (job.isAlive() && !stopping) {
                    throw new Failure("lost the JMX connection to JVM " + job.pid() + ": " + e.getMessage());
                }
                continue; // the job JVM died under us: handled above
            }
            if (now >= deadline) {
                return;
            }
            next += REFRESH.toNanos();
            Thread.sleep((Math.max(0, Math.min(next, deadline) - System.nanoTime()) + 999_999) / 1_000_000);
        }
    }

    private static Report read(long pid, ChokepointReader reader, Duration uptime, Duration stopsIn)
            throws IOException {
        List<TaskSnapshot> tasks = reader.tasks();
        Optional<Object> version = reader.agentAttribute("Version");
        int windowSamples = version.isPresent() ? windowSamples(reader.agentAttribute("Config")) : DEFAULT_WINDOW;
        return new Report(pid, version.map(String::valueOf).orElse(null), windowSamples,
                version.isPresent() ? number(reader.agentAttribute("SamplingTicks")) : null,
                version.isPresent() ? number(reader.agentAttribute("LastTickMicros")) : null,
                tasks, uptime, stopsIn);
    }

    /** The window size from the agent's effective settings ({@code samples=100,delay=50ms,...}). */
    static int windowSamples(Optional<Object> config) {
        Matcher samples = SAMPLES_SETTING.matcher(config.map(String::valueOf).orElse(""));
        return samples.find() ? Integer.parseInt(samples.group(1)) : DEFAULT_WINDOW;
    }

    private static Long number(Optional<Object> value) {
        return value.filter(Number.class::isInstance).map(v -> ((Number) v).longValue()).orElse(null);
    }

    private static Path agentJar(String[] args) {
        String location = args.length > 0 ? args[0] : System.getProperty("chokepoint.agent.jar");
        if (location == null) {
            throw new Failure("usage: DemoMain <chokepoint-agent.jar> (or -Dchokepoint.agent.jar=...)");
        }
        Path jar = Path.of(location).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new Failure("agent jar not found at " + jar + ": build it with ./mvnw -q -DskipTests package");
        }
        return jar;
    }

    /** A problem the user can act on; shown as one message, without a stack trace. */
    private static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message, null, false, false);
        }
    }
}

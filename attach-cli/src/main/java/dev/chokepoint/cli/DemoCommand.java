package dev.chokepoint.cli;

import dev.chokepoint.cli.attach.AgentJar;
import dev.chokepoint.cli.attach.Attacher;
import dev.chokepoint.cli.common.CliException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Starts the demo's Flink job ({@code dev.chokepoint.demo.DemoJob} from {@code src/demo}: a local
 * MiniCluster running Source: Events -> Parse -> Enrich (slow) -> Window -> Sink: Discard) in a
 * child JVM, attaches Chokepoint as an operator would, and shows the live report. The job's
 * classes come from the demo module: this CLI does not depend on Flink.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts a real Flink job with a slow operator in a local MiniCluster (a child JVM), attaches"
                + " Chokepoint and shows the live report; the origin line names the slow operator.",
                "Ctrl-C stops it and its job JVM."})
public final class DemoCommand implements Callable<Integer> {

    static final String JOB_MAIN = "dev.chokepoint.demo.DemoJob";
    static final String READY = "DEMO JOB RUNNING";
    /** Printed before the job starts; tests find the child JVM by it. */
    public static final String CHILD_PID = "Flink job JVM pid ";
    static final String CLASSPATH_FILE = "chokepoint-demo.classpath";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--seconds", paramLabel = "N", description = "stop after N seconds (default: run until Ctrl-C)")
    long seconds;

    @Option(names = "--refresh", paramLabel = "SECONDS", description = "seconds between readings (default ${DEFAULT-VALUE})")
    double refresh = 1;

    @Option(names = "--json", description = "JSON lines instead of the table")
    boolean json;

    @Option(names = "--agent", paramLabel = "PATH", description = "chokepoint-agent.jar (default: next to the CLI jar, or agent/target/)")
    Path agent;

    @Option(names = "--classpath", paramLabel = "CLASSPATH",
            description = "classpath of the demo job (default: the demo module's target/" + CLASSPATH_FILE + ")")
    String classpath;

    @Option(names = "--dir", paramLabel = "DIR", description = "the job's log and temp files (default: a new temp directory)")
    Path dir;

    private volatile boolean stopping;

    @Override
    public Integer call() throws Exception {
        if (seconds < 0 || !(refresh > 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seconds must be >= 0 and --refresh > 0");
        }
        Path agentJar = AgentJar.locate(agent);
        String jobClasspath = classpath != null ? classpath : demoClasspath();
        Path workDir = (dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("chokepoint-demo"))
                .toAbsolutePath();
        Path tmp = workDir.resolve("tmp");
        deleteRecursively(tmp); // Flink leaves ~20 MB of blobs per run behind
        Files.createDirectories(tmp);
        Path log = workDir.resolve("job.log");

        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Djava.io.tmpdir=" + tmp);
        if (Runtime.version().feature() >= 21) {
            command.add("-XX:+EnableDynamicAgentLoading"); // JEP 451: we attach on purpose
        }
        command.addAll(Arrays.asList("-cp", jobClasspath, JOB_MAIN));
        System.out.println("Starting a Flink job: Source: Events -> Parse -> Enrich (slow) -> Window -> Sink: Discard");
        // stdin stays a pipe we never write to: the job exits when it closes, even if we are killed.
        Process job = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Thread stopper = new Thread(() -> {
            stopping = true;
            stop(job);
        }, "stop Flink job JVM");
        Runtime.getRuntime().addShutdownHook(stopper);
        System.out.println(CHILD_PID + job.pid() + " (its output goes to " + log + ")");
        System.out.flush();
        try {
            awaitReady(job, log);
            System.out.println("Attaching Chokepoint " + agentJar + " to JVM " + job.pid());
            Attacher.Connected connected = new Attacher(System.err).connect(job.pid(), null, agentJar, false);
            try {
                Watch view = new Watch(job.pid(), connected.reader, System.out, System.err, json);
                view.awaitSubtasks(10_000);
                Integer count = seconds > 0 ? (int) Math.max(1, Math.round(seconds / refresh)) : null;
                StatusCommand.run(view, job.pid(), refresh, count, () -> job.isAlive() || stopping);
            } finally {
                connected.connection.close();
            }
        } catch (CliException e) {
            if (stopping) {
                return 0; // Ctrl-C: the job JVM died on purpose
            }
            throw job.isAlive() ? e : new CliException("the Flink job JVM exited with code " + job.exitValue()
                    + "; its last output (" + log + "):\n" + tail(log), null);
        }
        stop(job);
        return 0;
    }

    /** The demo module's classes and dependencies, as its build wrote them next to its classes. */
    static String demoClasspath() {
        Path cliDir = AgentJarLocation.cliDirectory();
        List<Path> candidates = new ArrayList<>();
        if (cliDir != null) {
            candidates.add(cliDir.resolve("demo").resolve(CLASSPATH_FILE));
            if (cliDir.getParent() != null && cliDir.getParent().getParent() != null) {
                candidates.add(cliDir.getParent().getParent().resolve("src").resolve("demo").resolve("target")
                        .resolve(CLASSPATH_FILE));
            }
        }
        for (Path file : candidates) {
            if (Files.isRegularFile(file)) {
                try {
                    String dependencies = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
                    return file.getParent().resolve("classes") + File.pathSeparator + dependencies;
                } catch (IOException e) {
                    throw new CliException("cannot read " + file + ": " + e.getMessage(), null);
                }
            }
        }
        throw new CliException("the demo job is not built: looked for " + candidates.stream().map(Path::toString)
                .collect(Collectors.joining(" and ")),
                "build it with ./mvnw -q -DskipTests package (the demo module writes " + CLASSPATH_FILE
                        + "), or give the job's classpath with --classpath");
    }

    private void awaitReady(Process job, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && new String(Files.readAllBytes(log), StandardCharsets.UTF_8).contains(READY)) {
                return;
            }
            if (!job.isAlive()) {
                if (stopping) {
                    throw new CliException("stopped", null);
                }
                throw new CliException("the Flink job JVM exited with code " + job.exitValue()
                        + " before it was running; its last output (" + log + "):\n" + tail(log), null);
            }
            Thread.sleep(100);
        }
        throw new CliException("the Flink job did not start within 120 s; its last output:\n" + tail(log), null);
    }

    private static void stop(Process job) {
        if (!job.isAlive()) {
            return;
        }
        job.descendants().forEach(ProcessHandle::destroy);
        job.destroy();
        try {
            if (!job.waitFor(5, TimeUnit.SECONDS)) {
                job.destroyForcibly();
                job.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            job.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "<cannot read " + log + ">";
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** Where this CLI runs from (its jar's directory, or its classes directory's parent). */
    static final class AgentJarLocation {
        static Path cliDirectory() {
            try {
                return Paths.get(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                        .getParent();
            } catch (Exception e) {
                return null;
            }
        }
    }
}

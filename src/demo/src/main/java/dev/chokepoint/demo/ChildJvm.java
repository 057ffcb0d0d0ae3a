package dev.chokepoint.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The JVM that runs {@link DemoJob}: same JDK and classpath as ours, its output kept in a log file
 * (not on screen, where the report is), and never outliving us.
 */
final class ChildJvm {

    private static final int TAIL_LINES = 40;

    private final Process process;
    private final Path log;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Deque<String> tail = new ArrayDeque<>();

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code mainClass} with {@code java.io.tmpdir} under {@code workDir}; output goes to {@code workDir/job.log}. */
    static ChildJvm start(Class<?> mainClass, Path workDir, String readyLine) throws IOException {
        Path tmp = workDir.resolve("tmp");
        // Flink leaves about 20 MB of blobs and jars behind per run; start each run from an empty dir.
        deleteRecursively(tmp);
        Files.createDirectories(tmp);
        Path log = workDir.resolve("job.log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Djava.io.tmpdir=" + tmp.toAbsolutePath());
        if (Runtime.version().feature() >= 21) {
            // JDK 21+ warns about agents loaded into a running JVM unless the JVM opted in (JEP 451).
            command.add("-XX:+EnableDynamicAgentLoading");
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        // stdin stays a pipe we never write to: see DemoJob.exitWhenLauncherDies.
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        ChildJvm child = new ChildJvm(process, log);
        Thread pump = new Thread(() -> child.pumpOutput(readyLine), "job output");
        pump.setDaemon(true);
        pump.start();
        return child;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the ready line; fails with the child's last output when it exits or takes too long. */
    void awaitReady(Duration timeout) throws InterruptedException, IOException {
        try {
            ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("the Flink job did not start within " + timeout.toSeconds() + " s:\n" + tail());
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage());
        }
    }

    /** The exit code, or -1 while running. */
    int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** Asks the child to stop, then kills it; returns once it is gone. */
    void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    synchronized String tail() {
        return String.join(System.lineSeparator(), tail);
    }

    private void pumpOutput(String readyLine) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                remember(line);
                if (line.startsWith(readyLine)) {
                    ready.complete(null);
                }
            }
        } catch (IOException e) {
            remember("<cannot read the job's output: " + e.getMessage() + ">");
        }
        if (!ready.isDone()) {
            int code = -1;
            try {
                code = process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ready.completeExceptionally(new IOException(
                    "the Flink job JVM exited with code " + code + " before it was running:\n" + tail()));
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

    private synchronized void remember(String line) {
        tail.addLast(line);
        if (tail.size() > TAIL_LINES) {
            tail.removeFirst();
        }
    }
}

package dev.chokepoint.e2e;

import dev.chokepoint.api.BackPressureLevel;
import dev.chokepoint.api.ObjectNames;
import dev.chokepoint.cli.jmx.ChokepointReader;
import dev.chokepoint.cli.jmx.LocalJmxConnection;
import dev.chokepoint.cli.jmx.TaskSnapshot;
import dev.chokepoint.cli.testing.JavaProcess;
import dev.chokepoint.cli.testing.LocalJvm;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs {@link BackpressureJob} on a real Flink in a child JVM with the agent loaded
 * ({@code -javaagent}, or attached once the job runs), reads the agent's MBeans over the attach API's local JMX connector and
 * checks the backpressure level of every subtask once the agent has a full window of samples.
 *
 * <p>Compiled once per Flink version by each {@code e2e-flink-*} module. What every version must
 * show is defined here ({@link #expectedLevels()}, {@link #hardVertices()}); a module's subclass
 * overrides only what its version does differently, and says what its JVM needs ({@link #childJvmArgs()}).
 */
public abstract class FlinkBackpressureScenario {

    /** Samples in a full window with the agent's default configuration (Flink ≤1.9's 100 samples). */
    static final int FULL_WINDOW = 100;

    static final Duration JOB_START_TIMEOUT = Duration.ofSeconds(60);
    static final Duration LEVELS_TIMEOUT = Duration.ofSeconds(90);
    static final Duration STEADY_FOR = Duration.ofSeconds(3);

    /** Flink 1.9+ runs a legacy {@code SourceFunction} in a thread named after its task thread. */
    static final String LEGACY_SOURCE_THREAD = "Legacy Source Thread - ";

    static final String OK = BackPressureLevel.OK.name();
    static final String HIGH = BackPressureLevel.HIGH.name();

    /**
     * Every vertex of the job, mapped to the level all its subtasks must show, or to {@code null}
     * when the vertex must be reported (both subtasks, full window) but its level is only printed.
     *
     * <p>The same on every version: the slow sink, the bottleneck, is OK; the source and the map
     * upstream of it are backpressured all the time, HIGH (how their threads wait differs by
     * version: {@link #hardVertices()}).
     */
    protected Map<String, String> expectedLevels() {
        return levels(
                BackpressureJob.SOURCE_VERTEX, HIGH,
                BackpressureJob.MAP_VERTEX, HIGH,
                BackpressureJob.SINK_VERTEX, OK);
    }

    /** Extra flags the child JVM needs to run this Flink version on the test's JDK; none by default. */
    protected List<String> childJvmArgs() {
        return Collections.emptyList();
    }

    /**
     * Vertices whose threads block hard in a buffer request on this version: their samples must be
     * hard and their exactly measured blocked time near one second per second, which proves that
     * this version's buffer-request wait is found in the stack and instrumented.
     *
     * <p>By default the source: on every version the legacy source's {@code Legacy Source Thread}
     * waits inside the buffer request when its output is full. A version whose other tasks wait
     * there too (≤1.9) adds them.
     */
    protected Set<String> hardVertices() {
        return Collections.singleton(BackpressureJob.SOURCE_VERTEX);
    }

    /** The agent loaded at JVM start ({@code -javaagent}). */
    @Test
    void agentReportsTheBackpressureOfARealFlinkJob() throws Exception {
        run(false);
    }

    /**
     * The agent attached (attach API) to the job once it runs: the buffer-request classes already
     * loaded are retransformed, so the hard waits are measured as with {@code -javaagent}.
     */
    @Test
    void agentAttachedToTheRunningJobReportsItsBackpressure() throws Exception {
        run(true);
    }

    private void run(boolean attach) throws Exception {
        Map<String, String> expected = expectedLevels();
        List<String> jvmArgs = new ArrayList<>(Arrays.asList("-Xmx1g"));
        jvmArgs.addAll(childJvmArgs());
        if (attach && JavaProcess.javaFeatureVersion() >= 21) {
            jvmArgs.add("-XX:+EnableDynamicAgentLoading"); // JDK 21+ warns about dynamically loaded agents
        }
        long start = System.nanoTime();
        AtomicReference<List<TaskSnapshot>> last = new AtomicReference<>(Collections.emptyList());
        List<String> okViolations = Collections.synchronizedList(new ArrayList<>());

        JavaProcess.Builder builder = JavaProcess.builder(BackpressureJob.class.getName())
                .jvmArgs(jvmArgs.toArray(new String[0]))
                .logName(getClass().getSimpleName() + (attach ? "-attached" : ""));
        if (!attach) {
            builder.javaagent("");
        }
        try (JavaProcess child = builder.start()) {
            System.out.println("[" + getClass().getSimpleName() + "] child JVM " + child.pid() + ", log " + child.log());
            try {
                // Both sinks receive records: the job is RUNNING end to end.
                child.awaitOutput(BackpressureJob.SINK_RECEIVING + " 0", JOB_START_TIMEOUT);
                child.awaitOutput(BackpressureJob.SINK_RECEIVING + " 1", JOB_START_TIMEOUT);
                System.out.printf("[%s] job running after %.1f s%n", getClass().getSimpleName(), seconds(start));
                if (attach) {
                    LocalJvm.loadAgent(child.pid(), JavaProcess.agentJar().toString(), "");
                    System.out.printf("[%s] agent attached after %.1f s%n", getClass().getSimpleName(), seconds(start));
                }

                try (LocalJmxConnection jmx = LocalJvm.connect(child.pid())) {
                    ChokepointReader reader = new ChokepointReader(jmx.mbeans());
                    assertTrue(reader.agentLoaded(), ObjectNames.AGENT + " is not registered in the child JVM");

                    await("every subtask of " + expected.keySet() + " at its expected level over full windows for " + STEADY_FOR)
                            .atMost(LEVELS_TIMEOUT)
                            // Not a lucky poll: the levels must hold over a few consecutive full windows.
                            .during(STEADY_FOR)
                            .pollDelay(Duration.ZERO)
                            .pollInterval(Duration.ofSeconds(1))
                            .untilAsserted(() -> {
                                List<TaskSnapshot> tasks = reader.tasks();
                                last.set(tasks);
                                System.out.printf("[%s] %5.1f s  %s%n", getClass().getSimpleName(), seconds(start),
                                        summary(tasks));
                                recordOkViolations(tasks, expected, okViolations);
                                assertLevels(tasks, expected, hardVertices());
                            });
                }
                System.out.printf("[%s] levels as expected after %.1f s%n%s", getClass().getSimpleName(),
                        seconds(start), table(last.get()));
                assertTrue(okViolations.isEmpty(),
                        "a subtask expected OK was not OK over a full window: " + okViolations);
            } catch (Throwable failure) {
                String dump = threadDump(child, expected.keySet());
                String message = failure.getMessage() + "\n\nlast table read from the agent:\n" + table(last.get())
                        + "\nchild JVM thread dump (the job's threads; full dump in the file): " + dump
                        + "\nchild JVM output (" + child.log() + "):\n" + child.output();
                System.out.println("last table read from the agent:\n" + table(last.get()));
                throw new AssertionError(message, failure);
            }
        }
    }

    /** A subtask expected OK must never leave OK once its window is full: no retries hide that. */
    private static void recordOkViolations(List<TaskSnapshot> tasks, Map<String, String> expected,
                                           List<String> violations) {
        for (TaskSnapshot task : tasks) {
            if (OK.equals(expected.get(task.vertex)) && task.samples >= FULL_WINDOW
                    && !OK.equals(task.backPressureLevel)) {
                violations.add(task.toString());
            }
        }
    }

    private static void assertLevels(List<TaskSnapshot> tasks, Map<String, String> expected, Set<String> hard) {
        Set<String> vertices = tasks.stream().map(t -> t.vertex).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(expected.keySet()), vertices, "vertices reported by the agent");
        for (Map.Entry<String, String> vertex : expected.entrySet()) {
            List<TaskSnapshot> subtasks = tasks.stream().filter(t -> t.vertex.equals(vertex.getKey()))
                    .collect(Collectors.toList());
            assertEquals(Arrays.asList(0, 1), subtasks.stream().map(t -> t.subtask).collect(Collectors.toList()),
                    "subtasks of " + vertex.getKey() + ": " + subtasks);
            for (TaskSnapshot task : subtasks) {
                String what = vertex.getKey() + " subtask " + task.subtask + " (" + task + ")";
                assertEquals(BackpressureJob.PARALLELISM, task.parallelism, "parallelism of " + what);
                String position = " (" + (task.subtask + 1) + "/" + BackpressureJob.PARALLELISM + ")";
                assertTrue(task.thread.startsWith(vertex.getKey() + position),
                        "thread of " + what + " should start with '" + vertex.getKey() + position + "'");
                assertEquals(FULL_WINDOW, task.samples, "samples of " + what + ": window not full yet");
                if (vertex.getValue() != null) {
                    assertEquals(vertex.getValue(), task.backPressureLevel, "level of " + what);
                }
                if (hard.contains(vertex.getKey())) {
                    assertTrue(task.hardBackPressureRatio > 0.5, "hard samples of " + what + ": "
                            + task.hardBackPressureRatio);
                    assertTrue(task.backPressuredTimeMsPerSecond > 500, "measured blocked time of " + what + ": "
                            + task.backPressuredTimeMsPerSecond + " ms/s");
                }
            }
        }
    }

    private static String summary(List<TaskSnapshot> tasks) {
        if (tasks.isEmpty()) {
            return "(no " + ObjectNames.ALL_TASKS + " MBeans yet)";
        }
        return tasks.stream()
                .map(t -> t.vertex + "#" + t.subtask + " " + t.backPressureLevel + " " + t.blockedSamples + "/" + t.samples)
                .collect(Collectors.joining(", "));
    }

    static String table(List<TaskSnapshot> tasks) {
        StringBuilder table = new StringBuilder(String.format("%-45s %-22s %7s %5s %6s %-5s %4s %8s %7s%n",
                "Thread", "Vertex", "Subtask", "Par", "Ratio", "Level", "Code", "Samples", "Blocked"));
        for (TaskSnapshot t : tasks) {
            table.append(String.format("%-45s %-22s %7d %5d %6.2f %-5s %4d %8d %7d%n", t.thread, t.vertex, t.subtask,
                    t.parallelism, t.backPressureRatio, t.backPressureLevel, t.levelCode, t.samples, t.blockedSamples));
        }
        return table.toString();
    }

    /**
     * jstack of the child, saved next to its log, and the stacks of the job's own threads (task
     * threads and legacy source threads): what the agent's sampler saw, for diagnosing a failure.
     */
    static String threadDump(JavaProcess child, Set<String> vertices) {
        if (!child.isAlive()) {
            return "<child JVM already exited>";
        }
        try {
            Path jstack = JavaProcess.jdkTool("jstack");
            Path out = Paths.get(child.log().toString().replaceFirst("\\.log$", "") + "-threads.txt");
            Process p = new ProcessBuilder(jstack.toString(), Long.toString(child.pid()))
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "<jstack timed out>";
            }
            StringBuilder jobThreads = new StringBuilder(out.toString()).append('\n');
            for (String block : new String(Files.readAllBytes(out), StandardCharsets.UTF_8).split("\\R\\R")) {
                String thread = block.startsWith("\"") ? block.substring(1, Math.max(1, block.indexOf('"', 1))) : "";
                String task = thread.startsWith(LEGACY_SOURCE_THREAD) ? thread.substring(LEGACY_SOURCE_THREAD.length()) : thread;
                if (vertices.stream().anyMatch(v -> task.startsWith(v + " ("))) {
                    jobThreads.append(block).append("\n\n");
                }
            }
            return jobThreads.toString();
        } catch (IOException | InterruptedException e) {
            return "<jstack failed: " + e + ">";
        }
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Vertex → level, in the order given (a {@link Map#of} would lose the order in messages). */
    protected static Map<String, String> levels(String... vertexAndLevel) {
        Map<String, String> levels = new java.util.LinkedHashMap<>();
        for (int i = 0; i < vertexAndLevel.length; i += 2) {
            levels.put(vertexAndLevel[i], vertexAndLevel[i + 1]);
        }
        return levels;
    }
}

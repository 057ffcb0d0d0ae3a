package dev.chokepoint.bench.jmh;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs {@link BufferRequestBenchmark} in forks without and with {@code -javaagent:<agent jar>}, each
 * benchmark's two configurations one right after the other, then {@link HandlerPartsBenchmark}
 * (without the agent) as reference points, and prints a Markdown table of the added ns per request.
 *
 * <p>Arguments: {@code --agent-jar=PATH} (required), {@code --agent-args=} (empty: the agent's
 * defaults), {@code --forks=2}, {@code --reference-forks=1}, {@code --warmup-iterations=3},
 * {@code --measurement-iterations=5}, {@code --iteration-time=1s}, {@code --report=PATH} (also
 * writes the table there). Exits non-zero when a benchmark fails, e.g. when the setup finds that
 * the buffer-request wait is not instrumented in an agent fork.
 */
public final class AdviceCostBenchmark {

    private static final String REQUESTS = BufferRequestBenchmark.class.getName();
    private static final String PARTS = HandlerPartsBenchmark.class.getName();
    private static final List<String> REQUEST_BENCHMARKS =
            List.of("blockingSegment", "nonBlockingSegment", "blockingBufferBuilder");
    private static final Map<String, String> WHAT = Map.of(
            "blockingSegment", "`requestMemorySegmentBlocking()` + `recycle` (timed)",
            "nonBlockingSegment", "`requestMemorySegment()` + `recycle` (not timed: control)",
            "blockingBufferBuilder", "`requestBufferBuilderBlocking()` + `close()` (timed)");
    private static final List<String> PART_BENCHMARKS =
            List.of("nanoTime", "threadLocalGet", "recordValue", "handlerModel");
    private static final Map<String, String> PART_WHAT = Map.of(
            "nanoTime", "one `System.nanoTime()` (the handler makes 2)",
            "threadLocalGet", "one `ThreadLocal.get()` (the handler makes 2)",
            "recordValue", "one HdrHistogram `SingleWriterRecorder.recordValue` (the handler makes 1)",
            "handlerModel", "model of the whole handler: the above plus 3 volatile writes, via a volatile field");

    private AdviceCostBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        Path agentJar = Paths.get(required(options, "agent-jar")).toAbsolutePath();
        if (!Files.isRegularFile(agentJar)) {
            throw new IllegalArgumentException("no agent jar at " + agentJar
                    + ": build it with ./mvnw -q -DskipTests package -pl agent");
        }
        String agentArgs = options.getOrDefault("agent-args", "");
        int forks = Integer.parseInt(options.getOrDefault("forks", "2"));
        int referenceForks = Integer.parseInt(options.getOrDefault("reference-forks", "1"));
        int warmups = Integer.parseInt(options.getOrDefault("warmup-iterations", "3"));
        int measurements = Integer.parseInt(options.getOrDefault("measurement-iterations", "5"));
        TimeValue iterationTime = TimeValue.fromString(options.getOrDefault("iteration-time", "1s"));
        String report = options.get("report");

        Path checkFile = Files.createTempFile("chokepoint-jmh-check", ".txt");
        String agentOption = "-javaagent:" + agentJar + (agentArgs.isEmpty() ? "" : "=" + agentArgs);
        Settings settings = new Settings(warmups, measurements, iterationTime, checkFile);

        String loadBefore = firstWord("/proc/loadavg");
        long start = System.nanoTime();
        Map<String, RunResult> without = new LinkedHashMap<>();
        Map<String, RunResult> with = new LinkedHashMap<>();
        Map<String, RunResult> parts = new LinkedHashMap<>();
        try {
            for (String benchmark : REQUEST_BENCHMARKS) {
                without.put(benchmark, run(settings, REQUESTS, benchmark, forks, null));
                with.put(benchmark, run(settings, REQUESTS, benchmark, forks, agentOption));
            }
            for (String benchmark : PART_BENCHMARKS) {
                parts.put(benchmark, run(settings, PARTS, benchmark, referenceForks, null));
            }
        } catch (RunnerException e) {
            System.err.println("[bench] benchmark failed: " + e.getMessage());
            System.exit(1);
        }
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;

        String table = table(without, with, parts, agentOption, forks, referenceForks, warmups, measurements,
                iterationTime, checkLines(checkFile), loadBefore, seconds);
        Files.deleteIfExists(checkFile);
        System.out.println();
        System.out.println(table);
        if (report != null && !report.isEmpty()) {
            Path path = Paths.get(report);
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            Files.write(path, table.getBytes(StandardCharsets.UTF_8));
            System.out.println("(also written to " + path + ")");
        }
    }

    private record Settings(int warmups, int measurements, TimeValue iterationTime, Path checkFile) {
    }

    /** One benchmark in its own forks, with {@code agentOption} appended to their JVM options, or without. */
    private static RunResult run(Settings settings, String className, String benchmark, int forks,
                                 String agentOption) throws RunnerException {
        ChainedOptionsBuilder builder = new OptionsBuilder()
                .include("^" + Pattern.quote(className + "." + benchmark) + "$")
                .forks(forks)
                .warmupIterations(settings.warmups())
                .warmupTime(settings.iterationTime())
                .measurementIterations(settings.measurements())
                .measurementTime(settings.iterationTime())
                .threads(1)
                .shouldFailOnError(true)
                // Explicit, so that the forks do not inherit this JVM's options.
                .jvmArgs("-Xms256m", "-Xmx256m",
                        "-D" + AgentCheck.CHECK_FILE + "=" + settings.checkFile(),
                        "-D" + AgentCheck.EXPECT_AGENT + "=" + (agentOption != null));
        if (agentOption != null) {
            builder.jvmArgsAppend(agentOption);
        }
        Collection<RunResult> results = new Runner(builder.build()).run();
        if (results.size() != 1) {
            throw new RunnerException("expected one result for " + benchmark + ", got " + results.size());
        }
        return results.iterator().next();
    }

    static String table(Map<String, RunResult> without, Map<String, RunResult> with, Map<String, RunResult> parts,
                        String agentOption, int forks, int referenceForks, int warmups, int measurements,
                        TimeValue iterationTime, List<String> checks, String loadBefore, long seconds) {
        StringBuilder out = new StringBuilder();
        out.append("### Advice cost per buffer request (Flink 1.20.3 LocalBufferPool, JMH, avgt)\n\n");
        out.append("| benchmark | without agent (ns/op) | with agent (ns/op) | added (ns/op) | ratio "
                + "| medians: without / with / added |\n");
        out.append("|---|---:|---:|---:|---:|---:|\n");
        for (String benchmark : without.keySet()) {
            Result a = without.get(benchmark).getPrimaryResult();
            Result b = with.get(benchmark).getPrimaryResult();
            double added = b.getScore() - a.getScore();
            double addedError = Math.sqrt(square(a.getScoreError()) + square(b.getScoreError()));
            out.append("| ").append(WHAT.get(benchmark))
                    .append(" | ").append(scoreWithError(a.getScore(), a.getScoreError()))
                    .append(" | ").append(scoreWithError(b.getScore(), b.getScoreError()))
                    .append(" | ").append(signed(added)).append(" ± ").append(format(addedError))
                    .append(" | ").append(String.format(Locale.ROOT, "%.2f", b.getScore() / a.getScore()))
                    .append(" | ").append(format(median(a))).append(" / ").append(format(median(b)))
                    .append(" / ").append(signed(median(b) - median(a)))
                    .append(" |\n");
        }
        out.append("\n| reference, without agent | ns/op |\n|---|---:|\n");
        for (Map.Entry<String, RunResult> part : parts.entrySet()) {
            Result r = part.getValue().getPrimaryResult();
            out.append("| ").append(PART_WHAT.get(part.getKey()))
                    .append(" | ").append(scoreWithError(r.getScore(), r.getScoreError())).append(" |\n");
        }
        out.append("\nMean ± JMH's 99.9% confidence half-width over all measurement iterations of all forks; added: "
                + "difference of the means ± root of the summed squares of both half-widths. Medians of the same "
                + "iterations, less moved by iterations slowed by other load on the machine. ")
                .append(String.format(Locale.ROOT,
                        "%d warmup + %d measurement iterations × %s, %d fork(s) per configuration "
                                + "(references: %d fork); agent forks: `%s`.%n",
                        warmups, measurements, iterationTime, forks, referenceForks, agentOption));
        out.append("Checked in every fork's setup:\n");
        for (String check : checks) {
            out.append("- ").append(check).append('\n');
        }
        out.append(String.format(Locale.ROOT, "%nMachine: %s, %d CPUs (%s), %s %s, clocksource %s; %s %s. "
                        + "Load average (1 min) before / after: %s / %s. Total %d s.%n",
                cpuModel(), Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"),
                System.getProperty("os.name"), System.getProperty("os.version"),
                firstWord("/sys/devices/system/clocksource/clocksource0/current_clocksource"),
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                loadBefore, firstWord("/proc/loadavg"), seconds));
        return out.toString();
    }

    /** The forks' check lines, each once, with how many forks reported it. */
    private static List<String> checkLines(Path checkFile) throws IOException {
        Map<String, Integer> counts = new TreeMap<>();
        for (String line : Files.readAllLines(checkFile, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                counts.merge(line, 1, Integer::sum);
            }
        }
        List<String> lines = new ArrayList<>();
        counts.forEach((line, n) -> lines.add(line + " (" + n + " fork" + (n == 1 ? "" : "s") + ")"));
        return lines;
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Paths.get("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        } catch (IOException | RuntimeException e) {
            return "unknown CPU";
        }
    }

    private static double median(Result result) {
        return result.getStatistics().getPercentile(50);
    }

    /** The first word of a one-line system file, or "?" when there is none (not Linux). */
    private static String firstWord(String file) {
        try {
            String text = new String(Files.readAllBytes(Paths.get(file)), StandardCharsets.UTF_8).trim();
            return text.isEmpty() ? "?" : text.split("\\s+")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static double square(double x) {
        return Double.isNaN(x) ? 0 : x * x;
    }

    private static String scoreWithError(double score, double error) {
        return format(score) + (Double.isNaN(error) ? "" : " ± " + format(error));
    }

    private static String signed(double value) {
        return (value >= 0 ? "+" : "") + format(value);
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("expected --key=value, got " + arg);
            }
            int eq = arg.indexOf('=');
            options.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return options;
    }

    private static String required(Map<String, String> options, String key) {
        String value = options.get(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("--" + key + "= is required");
        }
        return value;
    }
}

package dev.chokepoint.bench.job;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Agent memory: the live heap of {@link SubtasksJob} (1,000 subtasks at the default parallelism 250)
 * with the agent at its defaults minus the live heap of the same job without it, each run a fresh
 * JVM, without/with alternating, {@code --repetitions} pairs per scenario. "Live" is the total of
 * HotSpot's class histogram after its full GC: everything reachable, whoever holds it, so the
 * difference also counts what the agent causes others to hold (its MBeans in the platform MBean
 * server, its Byte Buddy type pool), not only its own objects; the price is Flink's own run-to-run
 * variation, which the without-agent runs show. The histograms' per-class differences say what
 * the added bytes are.
 *
 * <p>Arguments: {@code --agent-jar=PATH} (required), {@code --parallelism=250},
 * {@code --repetitions=3}, {@code --scenarios=idle,backpressured}, {@code --settle=12s},
 * {@code --heap=2g}, {@code --log-dir=PATH}, {@code --report=PATH}.
 */
public final class AgentMemoryBenchmark {

    private AgentMemoryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Path agentJar = Paths.get(options.required("agent-jar")).toAbsolutePath();
        if (!Files.isRegularFile(agentJar)) {
            throw new IllegalArgumentException("no agent jar at " + agentJar
                    + ": build it with ./mvnw -q -DskipTests package -pl agent");
        }
        int parallelism = options.positiveInt("parallelism", 250);
        int repetitions = options.positiveInt("repetitions", 3);
        List<String> scenarios = List.of(options.string("scenarios", "idle,backpressured").split(","));
        Duration settle = options.duration("settle", "12s");
        String heap = options.string("heap", "2g");
        Path logDir = Paths.get(options.string("log-dir", "target/bench-job-logs")).toAbsolutePath();
        String report = options.string("report", "");

        List<String> jvmFlags = List.of("-Xms" + heap, "-Xmx" + heap, "-XX:+UseG1GC");
        List<JobConfig> configs = List.of(JobConfig.NO_AGENT, JobConfig.parse("", agentJar).get(1));
        Path tmp = logDir.resolve("tmp");
        String loadBefore = Machine.loadAverage();
        long start = System.nanoTime();

        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "### Agent memory: %d subtasks (4 vertices × parallelism %d, "
                + "Flink 1.20.3 MiniCluster, one TaskManager)%n%n", SubtasksJob.VERTICES * parallelism, parallelism));
        out.append("| scenario | live heap without agent | with agent (defaults) | added by the agent "
                + "| agent's own objects (`dev.chokepoint.*`, shallow) | subtasks reported / Task MBeans / timed threads "
                + "| Metaspace added |\n|---|---:|---:|---:|---:|---:|---:|\n");
        StringBuilder details = new StringBuilder();
        for (String scenario : scenarios) {
            MemoryResults results = new MemoryResults(scenario.trim());
            for (int rep = 1; rep <= repetitions; rep++) {
                for (JobConfig config : configs) {
                    String name = String.format(Locale.ROOT, "memory-%s-rep%02d-%s", results.scenario(), rep, config.slug());
                    Path histogramFile = logDir.resolve(name + ".histogram.txt");
                    List<String> command = ChildJvm.command(jvmFlags, config.agentOption(), tmp,
                            SubtasksJob.class.getName(), List.of("--parallelism=" + parallelism,
                                    "--scenario=" + results.scenario(), "--settle=" + JobOverheadBenchmark.seconds(settle),
                                    "--histogram=" + histogramFile, "--expect-agent=" + (config.agentOption() != null)));
                    Path log = logDir.resolve(name + ".log");
                    ResultLine result = ResultLine.last(ChildJvm.run(command, log, Duration.ofMinutes(10)), log.toString());
                    ClassHistogram histogram = ClassHistogram.parse(
                            new String(Files.readAllBytes(histogramFile), StandardCharsets.UTF_8));
                    results.add(config.agentOption() != null, result, histogram);
                    System.out.printf(Locale.ROOT, "[bench-memory] %s rep %d/%d %-16s live %s, agent's own %s%s%n",
                            results.scenario(), rep, repetitions, config.label(), MemoryResults.mib(histogram.totalBytes()),
                            MemoryResults.mib(histogram.agentShallowBytes()),
                            config.agentOption() == null ? "" : ", " + result.string("agentSubtasks") + " subtasks, "
                                    + result.string("agentTimedThreads") + " timed threads");
                }
            }
            out.append(results.summaryRow());
            details.append(results.classDeltas(12));
        }
        long minutes = Math.round((System.nanoTime() - start) / 60e9);
        out.append(String.format(Locale.ROOT, "%nAgent jar: %s, %,d bytes (%.1f MB).%n%n", agentJar.getFileName(),
                Files.size(agentJar), Files.size(agentJar) / 1e6));
        out.append("Live heap: the total of `GC.class_histogram` (live objects after a full GC) once all subtasks run "
                + "and the agent has reported all of them for the settle time; median over the repetitions "
                + "(min–max). Added: median (min–max) of the per-repetition differences with − without. MiB = 2^20 bytes.\n\n");
        out.append(details);
        out.append(String.format(Locale.ROOT, "%d repetition(s) per scenario and configuration, each a fresh JVM `%s`, "
                        + "settle %s. Machine: %s. Load average (1 min) before / after: %s / %s. Total %d min.%n",
                repetitions, String.join(" ", jvmFlags), JobOverheadBenchmark.seconds(settle), Machine.describe(),
                loadBefore, Machine.loadAverage(), minutes));
        System.out.println();
        System.out.println(out);
        JobOverheadBenchmark.write(report, out.toString());
    }
}

package dev.chokepoint.bench.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whole-job overhead: {@link ThroughputJob} in a fresh JVM per run, without the agent and with it in
 * each configuration of {@code --configs}, interleaved A/B/C/A/B/C… for {@code --rounds} rounds, so
 * that slow drifts of the machine (other load, thermal state) hit every configuration alike. Each
 * round's ratio compares runs minutes apart at most; the report gives, per configuration, the median
 * records/s and the median of the per-round ratios to the run without agent, with their min–max and
 * interquartile range.
 *
 * <p>Arguments: {@code --agent-jar=PATH} (required), {@code --rounds=5}, {@code --warmup=15s},
 * {@code --measure=30s}, {@code --hash-rounds=64}, {@code --configs=;delay=10ms} (agent arguments of
 * the agent configurations, {@code ;}-separated; empty = the agent's defaults), {@code --heap=512m},
 * {@code --log-dir=PATH}, {@code --report=PATH}.
 */
public final class JobOverheadBenchmark {

    private JobOverheadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Path agentJar = Paths.get(options.required("agent-jar")).toAbsolutePath();
        if (!Files.isRegularFile(agentJar)) {
            throw new IllegalArgumentException("no agent jar at " + agentJar
                    + ": build it with ./mvnw -q -DskipTests package -pl agent");
        }
        int rounds = options.positiveInt("rounds", 5);
        Duration warmup = options.duration("warmup", "15s");
        Duration measure = options.duration("measure", "30s");
        int hashRounds = options.positiveInt("hash-rounds", 64);
        String heap = options.string("heap", "512m");
        Path logDir = Paths.get(options.string("log-dir", "target/bench-job-logs")).toAbsolutePath();
        String report = options.string("report", "");

        List<JobConfig> configs = JobConfig.parse(options.string("configs", ";delay=10ms"), agentJar);
        List<String> jvmFlags = List.of("-Xms" + heap, "-Xmx" + heap, "-XX:+UseG1GC");
        List<String> jobArgs = List.of("--warmup=" + seconds(warmup), "--measure=" + seconds(measure),
                "--hash-rounds=" + hashRounds);
        Duration timeout = warmup.plus(measure).plusSeconds(180);
        Path tmp = logDir.resolve("tmp");

        System.out.printf(Locale.ROOT, "[bench-job] %d rounds × %d configurations, each run %s warm-up + %s measured "
                        + "(about %d min in all)%n", rounds, configs.size(), seconds(warmup), seconds(measure),
                Math.round(rounds * configs.size() * (warmup.plus(measure).toSeconds() + 8) / 60.0));
        String loadBefore = Machine.loadAverage();
        long start = System.nanoTime();
        OverheadReport results = new OverheadReport(configs, rounds);
        for (int round = 1; round <= rounds; round++) {
            for (int c = 0; c < configs.size(); c++) {
                JobConfig config = configs.get(c);
                List<String> args2 = new ArrayList<>(jobArgs);
                args2.add("--expect-agent=" + (config.agentOption() != null));
                List<String> command = ChildJvm.command(jvmFlags, config.agentOption(), tmp,
                        ThroughputJob.class.getName(), args2);
                Path log = logDir.resolve(String.format(Locale.ROOT, "overhead-round%02d-%s.log", round, config.slug()));
                ResultLine result = ResultLine.last(ChildJvm.run(command, log, timeout), log.toString());
                Run run = Run.of(result);
                if (config.agentOption() != null) {
                    checkAgentRun(result, run, log);
                }
                results.add(round, c, run);
                System.out.printf(Locale.ROOT, "[bench-job] round %d/%d %-22s %,12.0f records/s  %.2f cores%s%n",
                        round, rounds, config.label(), run.recordsPerSecond(), run.cpuCores(),
                        config.agentOption() == null ? ""
                                : String.format(Locale.ROOT, "  %.1f agent ticks/s  (%s)", run.agentTicksPerSecond(),
                                run.agentConfig()));
            }
        }
        long minutes = Math.round((System.nanoTime() - start) / 60e9);
        String table = results.markdown(String.format(Locale.ROOT,
                "%d rounds, each run: fresh JVM `%s`, %s warm-up, %s measured, hash rounds %d. Machine: %s. "
                        + "Load average (1 min) before / after: %s / %s. Total %d min.",
                rounds, String.join(" ", jvmFlags), seconds(warmup), seconds(measure), hashRounds,
                Machine.describe(), loadBefore, Machine.loadAverage(), minutes));
        System.out.println();
        System.out.println(table);
        write(report, table);
    }

    /** An agent run counts only if the agent sampled in the window, saw all of the job's subtasks, and never failed. */
    private static void checkAgentRun(ResultLine result, Run run, Path log) {
        int subtasks = ThroughputJob.VERTICES * ThroughputJob.PARALLELISM;
        if (!(run.agentTicksPerSecond() > 0)) {
            throw new IllegalStateException("the agent did not sample during the window: " + result + " in " + log);
        }
        if (result.longValue("agentSubtasks") != subtasks || result.longValue("agentErrors") != 0) {
            throw new IllegalStateException("expected the agent to report " + subtasks
                    + " subtasks and no sampling errors: " + result + " in " + log);
        }
    }

    static void write(String report, String text) throws IOException {
        if (report != null && !report.isEmpty()) {
            Path path = Paths.get(report);
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            Files.write(path, text.getBytes(StandardCharsets.UTF_8));
            System.out.println("(also written to " + path + ")");
        }
    }

    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}

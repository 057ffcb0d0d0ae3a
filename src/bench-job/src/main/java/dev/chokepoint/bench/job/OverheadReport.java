package dev.chokepoint.bench.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The runs of the overhead benchmark, one per round and configuration, and their summary: per
 * configuration the median records/s, and the median, min–max and interquartile range of the
 * per-round ratios to the round's run without agent (configuration 0).
 */
final class OverheadReport {

    private final List<JobConfig> configs;
    private final Run[][] runs;

    OverheadReport(List<JobConfig> configs, int rounds) {
        this.configs = configs;
        this.runs = new Run[rounds][configs.size()];
    }

    void add(int round, int config, Run run) {
        runs[round - 1][config] = run;
    }

    /** Records/s of one configuration, one per complete round. */
    List<Double> throughputs(int config) {
        List<Double> values = new ArrayList<>();
        for (Run[] round : runs) {
            if (complete(round)) {
                values.add(round[config].recordsPerSecond());
            }
        }
        return values;
    }

    /** Per round: records/s of {@code config} divided by that of the same round's run without agent. */
    List<Double> ratios(int config) {
        return ratios(config, Run::recordsPerSecond);
    }

    /** Per round: {@code metric} of {@code config} divided by that of the same round's run without agent. */
    List<Double> ratios(int config, ToDoubleFunction<Run> metric) {
        List<Double> values = new ArrayList<>();
        for (Run[] round : runs) {
            if (complete(round)) {
                values.add(metric.applyAsDouble(round[config]) / metric.applyAsDouble(round[0]));
            }
        }
        return values;
    }

    private static boolean complete(Run[] round) {
        for (Run run : round) {
            if (run == null) {
                return false;
            }
        }
        return true;
    }

    String markdown(String footer) {
        StringBuilder out = new StringBuilder();
        out.append("### Whole-job overhead (Flink 1.20.3 MiniCluster, parallelism 2, chaining off)\n\n");
        out.append("| configuration | median records/s (min–max) | median ratio to no agent | ratio min–max "
                + "| ratio IQR (p25–p75) | agent ticks/s | CPU cores used | ratio of records per CPU-second, median (min–max) |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int c = 0; c < configs.size(); c++) {
            Stats throughput = Stats.of(throughputs(c));
            out.append("| ").append(configs.get(c).label())
                    .append(" | ").append(count(throughput.median()))
                    .append(" (").append(count(throughput.min())).append("–").append(count(throughput.max())).append(')');
            if (c == 0) {
                out.append(" | 1 | – | – ");
            } else {
                Stats ratio = Stats.of(ratios(c));
                out.append(" | ").append(percent(ratio.median()))
                        .append(" | ").append(percent(ratio.min())).append("–").append(percent(ratio.max()))
                        .append(" | ").append(percent(ratio.percentile(25))).append("–")
                        .append(percent(ratio.percentile(75))).append(' ');
            }
            out.append("| ").append(c == 0 ? "–" : oneDecimal(Stats.of(column(c, Run::agentTicksPerSecond)).median()))
                    .append(" | ").append(twoDecimals(Stats.of(column(c, Run::cpuCores)).median()))
                    .append(" | ").append(c == 0 ? "1" : medianAndRange(Stats.of(ratios(c, Run::recordsPerCpuSecond))))
                    .append(" |\n");
        }
        out.append("\nPer round, records/s (ratio to the round's run without agent):\n\n| round |");
        for (JobConfig config : configs) {
            out.append(' ').append(config.label()).append(" |");
        }
        out.append("\n|---:|");
        out.append("---:|".repeat(configs.size()));
        out.append('\n');
        for (int r = 0; r < runs.length; r++) {
            out.append("| ").append(r + 1).append(" |");
            for (int c = 0; c < configs.size(); c++) {
                Run run = runs[r][c];
                out.append(' ').append(run == null ? "–" : count(run.recordsPerSecond()));
                if (c > 0 && run != null && runs[r][0] != null) {
                    out.append(" (").append(percent(run.recordsPerSecond() / runs[r][0].recordsPerSecond())).append(')');
                }
                out.append(" |");
            }
            out.append('\n');
        }
        out.append("\nRecords per CPU-second: records/s divided by the CPU cores the whole child JVM used in the "
                + "window (the agent's sampler thread included); less moved than records/s when other processes "
                + "take cores from the job, but blind to a slowdown that costs no CPU. ");
        out.append("Medians are nearest-rank (the lower middle value for an even count). Agent settings as the "
                + "runs reported them: ");
        for (int c = 1; c < configs.size(); c++) {
            Run first = firstRun(c);
            out.append(c > 1 ? "; " : "").append(configs.get(c).label()).append(": `")
                    .append(first == null ? "?" : first.agentConfig()).append('`');
        }
        out.append(".\n").append(footer).append('\n');
        return out.toString();
    }

    private Run firstRun(int config) {
        for (Run[] round : runs) {
            if (round[config] != null) {
                return round[config];
            }
        }
        return null;
    }

    private List<Double> column(int config, ToDoubleFunction<Run> value) {
        List<Double> values = new ArrayList<>();
        for (Run[] round : runs) {
            if (round[config] != null) {
                values.add(value.applyAsDouble(round[config]));
            }
        }
        return values;
    }

    private static String medianAndRange(Stats ratio) {
        return percent(ratio.median()) + " (" + percent(ratio.min()) + "–" + percent(ratio.max()) + ")";
    }

    private static String count(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.1f%%", ratio * 100);
    }

    private static String oneDecimal(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static String twoDecimals(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}

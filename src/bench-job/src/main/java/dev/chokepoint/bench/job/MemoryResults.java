package dev.chokepoint.bench.job;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** The memory runs of one scenario: live heap with and without the agent, and what the difference is made of. */
final class MemoryResults {

    private final String scenario;
    private final List<ResultLine> withoutResults = new ArrayList<>();
    private final List<ResultLine> withResults = new ArrayList<>();
    private final List<ClassHistogram> without = new ArrayList<>();
    private final List<ClassHistogram> with = new ArrayList<>();

    MemoryResults(String scenario) {
        this.scenario = scenario;
    }

    String scenario() {
        return scenario;
    }

    void add(boolean agent, ResultLine result, ClassHistogram histogram) {
        (agent ? withResults : withoutResults).add(result);
        (agent ? with : without).add(histogram);
    }

    /** with − without, per repetition (pairs in the order they ran). */
    List<Double> addedBytes() {
        List<Double> added = new ArrayList<>();
        for (int i = 0; i < Math.min(with.size(), without.size()); i++) {
            added.add((double) (with.get(i).totalBytes() - without.get(i).totalBytes()));
        }
        return added;
    }

    String summaryRow() {
        Stats a = Stats.of(totals(without));
        Stats b = Stats.of(totals(with));
        Stats added = Stats.of(addedBytes());
        Stats own = Stats.of(values(with, ClassHistogram::agentShallowBytes));
        List<Double> metaspaceAdded = new ArrayList<>();
        for (int i = 0; i < Math.min(withResults.size(), withoutResults.size()); i++) {
            metaspaceAdded.add((double) (withResults.get(i).longValue("metaspaceUsed")
                    - withoutResults.get(i).longValue("metaspaceUsed")));
        }
        ResultLine last = withResults.get(withResults.size() - 1);
        return "| " + scenario
                + " | " + mibRange(a) + " | " + mibRange(b) + " | **" + mib(added.median()) + "** ("
                + mib(added.min()) + " – " + mib(added.max()) + ")"
                + " | " + mib(own.median())
                + " | " + last.string("agentSubtasks") + " / " + last.string("agentTaskMBeans") + " / "
                + last.string("agentTimedThreads")
                + " | " + mib(Stats.of(metaspaceAdded).median()) + " |\n";
    }

    /** The classes whose live bytes the agent changes most: median with − median without. */
    String classDeltas(int top) {
        TreeSet<String> classes = new TreeSet<>();
        for (ClassHistogram h : with) {
            classes.addAll(h.rows().keySet());
        }
        for (ClassHistogram h : without) {
            classes.addAll(h.rows().keySet());
        }
        List<Map.Entry<String, Double>> deltas = new ArrayList<>();
        for (String c : classes) {
            double delta = Stats.of(values(with, h -> h.bytes(c))).median() - Stats.of(values(without, h -> h.bytes(c))).median();
            deltas.add(Map.entry(c, delta));
        }
        deltas.sort(Comparator.comparingDouble((Map.Entry<String, Double> e) -> -Math.abs(e.getValue())));
        StringBuilder out = new StringBuilder();
        out.append("Scenario ").append(scenario).append(": classes with the largest difference in live bytes, median with "
                + "agent − median without (instances with agent, median):\n\n| class | bytes | instances |\n|---|---:|---:|\n");
        for (Map.Entry<String, Double> e : deltas.subList(0, Math.min(top, deltas.size()))) {
            String c = e.getKey();
            out.append("| `").append(c).append("` | ").append(String.format(Locale.ROOT, "%+,.0f", e.getValue()))
                    .append(" | ").append(String.format(Locale.ROOT, "%,.0f",
                            Stats.of(values(with, h -> h.instances(c))).median())).append(" |\n");
        }
        out.append('\n');
        return out.toString();
    }

    private static List<Double> totals(List<ClassHistogram> histograms) {
        return values(histograms, ClassHistogram::totalBytes);
    }

    private static List<Double> values(List<ClassHistogram> histograms, java.util.function.ToLongFunction<ClassHistogram> f) {
        List<Double> values = new ArrayList<>();
        for (ClassHistogram h : histograms) {
            values.add((double) f.applyAsLong(h));
        }
        return values;
    }

    private static String mibRange(Stats s) {
        return mib(s.median()) + " (" + mib(s.min()) + " – " + mib(s.max()) + ")";
    }

    static String mib(double bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}

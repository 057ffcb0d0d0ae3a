package dev.chokepoint.cli.report;

import dev.chokepoint.cli.jmx.TaskSnapshot;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where the backpressure comes from. The origin is the seed article's rule applied to the sampled
 * levels: the first vertex, in job order, that is not backpressured itself while a vertex feeding
 * it is ("the operator after the last one that is experiencing backpressure"). The pool usages of
 * each pair of consecutive vertices are read with the article's two tables ({@link PoolReading}).
 */
public final class Diagnosis {

    public final JobGraph graph;
    public final List<PoolReading> readings;
    /** null when there is no backpressure or its origin is not in this JVM; see {@link #reason}. */
    public final Vertex origin;
    public final String reason;
    /** One line per backpressured vertex of which only some subtasks are backpressured. */
    public final List<String> skew;

    private Diagnosis(JobGraph graph, List<PoolReading> readings, Vertex origin, String reason, List<String> skew) {
        this.graph = graph;
        this.readings = Collections.unmodifiableList(readings);
        this.origin = origin;
        this.reason = reason;
        this.skew = Collections.unmodifiableList(skew);
    }

    public static Diagnosis of(List<TaskSnapshot> tasks) {
        return of(JobGraph.of(tasks));
    }

    public static Diagnosis of(JobGraph graph) {
        List<PoolReading> readings = new ArrayList<>();
        for (JobGraph.Edge edge : graph.edges) {
            readings.add(PoolReading.of(edge));
        }
        List<String> skew = new ArrayList<>();
        for (Vertex vertex : graph.vertices) {
            List<TaskSnapshot> blocked = vertex.backpressuredSubtasks();
            if (!blocked.isEmpty() && blocked.size() < vertex.subtasks.size()) {
                List<TaskSnapshot> fine = new ArrayList<>(vertex.subtasks);
                fine.removeAll(blocked);
                skew.add(vertex.name + ": only " + describe(blocked) + " backpressured, " + describe(fine)
                        + " not: skew (data or resources) on the backpressured one" + (blocked.size() > 1 ? "s" : ""));
            }
        }

        if (graph.vertices.isEmpty()) {
            return new Diagnosis(graph, readings, null, "no Flink subtasks found in this JVM", skew);
        }
        if (graph.vertices.stream().noneMatch(Vertex::backpressured)) {
            return new Diagnosis(graph, readings, null, "no vertex is backpressured", skew);
        }
        for (Vertex vertex : graph.vertices) {
            if (vertex.backpressured()) {
                continue;
            }
            List<Vertex> pressing = graph.upstreamOf(vertex).stream().filter(Vertex::backpressured)
                    .sorted(Comparator.comparingInt((Vertex v) -> v.worst().levelCode).thenComparingDouble(Vertex::ratio)
                            .reversed())
                    .collect(Collectors.toList());
            if (pressing.isEmpty()) {
                continue;
            }
            return new Diagnosis(graph, readings, vertex, originReason(graph, vertex, pressing, readings), skew);
        }
        // Every backpressured vertex only feeds backpressured ones, down to the last one here.
        Vertex last = null;
        for (Vertex vertex : graph.vertices) {
            if (vertex.backpressured()) {
                last = vertex;
            }
        }
        String reason;
        if (graph.topologyKnown && graph.feedsOtherJvms.contains(last.name)) {
            reason = last.name + " is backpressured and what it feeds runs in another JVM (TaskManager): run chokepoint there";
        } else if (graph.topologyKnown) {
            reason = last.name + " is backpressured, and so is everything downstream of it in this JVM";
        } else {
            reason = last.name + " is backpressured and no vertex after it is; its downstream may run in another"
                    + " JVM (TaskManager): run chokepoint there" + GUESSED;
        }
        return new Diagnosis(graph, readings, null, reason, skew);
    }

    static final String GUESSED = " (job order guessed: the agent does not report the job topology)";

    private static String originReason(JobGraph graph, Vertex origin, List<Vertex> pressing, List<PoolReading> readings) {
        Vertex input = pressing.get(0);
        StringBuilder reason = new StringBuilder();
        reason.append(origin.name).append(" is not backpressured (").append(levelAndRatio(origin.worst()))
                .append(") but its input ").append(input.name).append(" is (").append(levelAndRatio(input.worst()))
                .append(")");
        TaskSnapshot busiest = origin.subtasks.stream()
                .max(Comparator.comparingDouble(t -> nanToZero(t.busyRatio))).orElseThrow();
        if (!Double.isNaN(busiest.busyRatio)) {
            reason.append(String.format(Locale.ROOT, "; it is busy %.0f%% of the time", busiest.busyRatio * 100));
            if (origin.subtasks.size() > 1) {
                TaskSnapshot idlest = origin.subtasks.stream()
                        .min(Comparator.comparingDouble(t -> nanToZero(t.busyRatio))).orElseThrow();
                if (busiest.busyRatio - idlest.busyRatio > 0.3) {
                    reason.append(String.format(Locale.ROOT, " (subtask %s; %s only %.0f%%: skewed load)",
                            label(busiest), label(idlest), idlest.busyRatio * 100));
                }
            }
        }
        for (PoolReading reading : readings) {
            if (reading.edge.upstream == input && reading.edge.downstream == origin
                    && reading.verdict != PoolReading.Verdict.UNKNOWN) {
                reason.append("; pools: ").append(reading.verdict.text);
            }
        }
        if (!graph.topologyKnown) {
            reason.append(GUESSED);
        }
        return reason.toString();
    }

    static String describe(List<TaskSnapshot> tasks) {
        return tasks.stream().map(t -> label(t) + " (" + levelAndRatio(t) + ")").collect(Collectors.joining(", "));
    }

    /** Flink's way of naming a subtask: 1-based index over parallelism. */
    public static String label(TaskSnapshot task) {
        return (task.subtask + 1) + "/" + task.parallelism;
    }

    static String levelAndRatio(TaskSnapshot task) {
        return String.format(Locale.ROOT, "%s %.2f", task.backPressureLevel, task.backPressureRatio);
    }

    private static double nanToZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }
}

package dev.chokepoint.cli.report;

import dev.chokepoint.cli.jmx.TaskHistory;
import dev.chokepoint.cli.jmx.TaskSnapshot;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/** One job vertex: the subtasks of it this JVM runs, ordered by subtask index. */
public final class Vertex {

    public final String name;
    public final List<TaskSnapshot> subtasks;

    Vertex(String name, List<TaskSnapshot> subtasks) {
        List<TaskSnapshot> sorted = new ArrayList<>(subtasks);
        sorted.sort(Comparator.<TaskSnapshot>comparingInt(t -> t.subtask).thenComparing(t -> t.thread));
        this.name = name;
        this.subtasks = Collections.unmodifiableList(sorted);
    }

    /** Flink's rule: a vertex is as backpressured as its most backpressured subtask. */
    public TaskSnapshot worst() {
        return subtasks.stream()
                .max(Comparator.<TaskSnapshot>comparingInt(t -> t.levelCode)
                        .thenComparingDouble(t -> t.backPressureRatio))
                .orElseThrow();
    }

    /** Its subtasks' histories as one: per step the worst subtask, their episodes merged ({@link TaskHistory#ofVertex}). */
    public TaskHistory history() {
        List<TaskHistory> histories = new ArrayList<>();
        subtasks.forEach(t -> histories.add(t.history));
        return TaskHistory.ofVertex(histories);
    }

    public String level() {
        return worst().backPressureLevel;
    }

    public double ratio() {
        return worst().backPressureRatio;
    }

    /** LOW or HIGH: the stack samples saw it blocked (hard) or suspended (soft) on its outputs. */
    public boolean backpressured() {
        return worst().levelCode > 0;
    }

    public List<TaskSnapshot> backpressuredSubtasks() {
        List<TaskSnapshot> result = new ArrayList<>();
        for (TaskSnapshot task : subtasks) {
            if (task.levelCode > 0) {
                result.add(task);
            }
        }
        return result;
    }

    /** The largest value over the subtasks, ignoring NaN; NaN when every subtask has NaN. */
    public double max(ToDoubleFunction<TaskSnapshot> value) {
        double max = Double.NaN;
        for (TaskSnapshot task : subtasks) {
            double v = value.applyAsDouble(task);
            if (!Double.isNaN(v) && (Double.isNaN(max) || v > max)) {
                max = v;
            }
        }
        return max;
    }

    public boolean isSourceByName() {
        return name.startsWith("Source: ");
    }

    public boolean isSinkByName() {
        return name.startsWith("Sink: ");
    }

    /** Whether every subtask reports the result partitions it writes and reads (an agent that knows the job topology). */
    boolean topologyKnown() {
        return subtasks.stream().allMatch(t -> t.producedPartitions != null && t.consumedPartitions != null);
    }

    Set<String> produced() {
        Set<String> ids = new LinkedHashSet<>();
        subtasks.forEach(t -> ids.addAll(t.producedPartitions));
        return ids;
    }

    Set<String> consumed() {
        Set<String> ids = new LinkedHashSet<>();
        subtasks.forEach(t -> ids.addAll(t.consumedPartitions));
        return ids;
    }

    @Override
    public String toString() {
        return name;
    }
}

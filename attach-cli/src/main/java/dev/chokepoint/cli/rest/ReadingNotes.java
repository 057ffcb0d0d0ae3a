package dev.chokepoint.cli.rest;

import dev.chokepoint.cli.jmx.TaskSnapshot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a reading through the REST API must tell beside the table: which vertices were judged
 * from Flink's own metrics or not at all, which TaskManagers lack the agent (and how to add it),
 * which subtasks the JobManager has no metrics of yet.
 */
final class ReadingNotes {

    /** How to add the agent to a TaskManager. */
    static final String ADD_AGENT = "env.java.opts.taskmanager: -javaagent:/path/to/chokepoint-agent.jar in its"
            + " Flink configuration, then restart it";

    /** judgedBy → vertex names. */
    private final Map<String, Set<String>> byJudge = new TreeMap<>();
    /** TaskManager (its id, else its host) → host. */
    private final Map<String, String> withoutAgent = new LinkedHashMap<>();
    private final List<String> withoutMetrics = new ArrayList<>();

    /** {@code hasMetrics}: the JobManager had any metric of the subtask. */
    void add(TaskSnapshot task, boolean hasMetrics) {
        if (!hasMetrics) {
            withoutMetrics.add(task.vertex + " (" + (task.subtask + 1) + "/" + task.parallelism + ")");
            return;
        }
        byJudge.computeIfAbsent(task.judgedBy, k -> new LinkedHashSet<>()).add(task.vertex);
        if (!TaskSnapshot.Placement.BY_AGENT.equals(task.judgedBy)) {
            withoutAgent.put(task.taskManager != null ? task.taskManager : String.valueOf(task.host), task.host);
        }
    }

    List<String> withoutMetrics() {
        return List.copyOf(withoutMetrics);
    }

    List<String> lines() {
        List<String> notes = new ArrayList<>();
        Set<String> byFlink = byJudge.get(TaskSnapshot.Placement.BY_FLINK);
        if (byFlink != null) {
            notes.add("judged from Flink's own backPressuredTimeMsPerSecond / 1000 (no agent metrics; no cause of the"
                    + " busy time): " + String.join(", ", byFlink));
        }
        Set<String> none = byJudge.get(TaskSnapshot.Placement.BY_NONE);
        if (none != null) {
            notes.add("no level for " + String.join(", ", none) + ": neither the agent's metrics nor Flink's busy and"
                    + " backpressured time (Flink 1.13+); only the pool usages tell");
        }
        if (!withoutAgent.isEmpty()) {
            notes.add("TaskManagers without the Chokepoint agent: " + withoutAgent.entrySet().stream()
                    .map(e -> e.getValue() == null || e.getKey().equals(e.getValue()) ? e.getKey()
                            : e.getKey() + " (" + e.getValue() + ")")
                    .collect(Collectors.joining(", ")) + "; add it with " + ADD_AGENT);
        }
        if (!withoutMetrics.isEmpty()) {
            notes.add("no metrics yet for " + withoutMetrics.size() + " subtask" + (withoutMetrics.size() > 1 ? "s" : "")
                    + " (" + String.join(", ", withoutMetrics.subList(0, Math.min(5, withoutMetrics.size())))
                    + (withoutMetrics.size() > 5 ? ", ..." : "") + "): the JobManager fetches them every"
                    + " metrics.fetcher.update-interval (10 s by default)");
        }
        return notes;
    }
}

package dev.chokepoint.e2e;

import dev.chokepoint.api.BackPressureLevel;
import dev.chokepoint.api.Episode;
import dev.chokepoint.api.Settings;
import dev.chokepoint.api.StatusJson;
import dev.chokepoint.cli.common.CliException;
import dev.chokepoint.cli.jmx.TaskSnapshot;
import dev.chokepoint.cli.report.JsonReport;
import dev.chokepoint.cli.report.Snapshot;
import dev.chokepoint.cli.report.TableReport;
import dev.chokepoint.cli.report.Vertex;
import dev.chokepoint.cli.rest.FlinkRestClient;
import dev.chokepoint.cli.rest.JsonTree;
import dev.chokepoint.cli.rest.RestSnapshotReader;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code chokepoint status --rest}: the whole job read through the JobManager's REST API of a
 * running scenario, no JMX: the same levels and origin as the scenario's, each subtask with its
 * TaskManager, the cost of one reading in requests; then the real CLI jar's {@code --json --wait}.
 */
final class RestStatusCheck {

    static final Duration SETTLE = Duration.ofSeconds(60);

    private RestStatusCheck() {
    }

    /**
     * {@code levels}: vertex → level every judged subtask must show; {@code origin}: the vertex
     * named the origin when they are judged; {@code judge}: what must judge every subtask
     * ({@code agent} where the agent publishes its metrics into Flink's, else what this version
     * falls back to: {@code flink} or {@code none}); {@code taskManagers}: how many run the subtasks
     * (0: the version does not tell).
     */
    static void check(String label, int restPort, Map<String, String> levels, String origin, String judge,
                      int taskManagers) throws Exception {
        String url = "http://127.0.0.1:" + restPort;
        FlinkRestClient client = new FlinkRestClient(url);
        // The one running job (1.9's two-TaskManager cluster runs the job graph under Flink's default name).
        RestSnapshotReader reader = RestSnapshotReader.open(client, null);
        AtomicReference<Snapshot> last = new AtomicReference<>();
        AtomicReference<Integer> cost = new AtomicReference<>();
        try {
            await(label + ": status --rest shows the scenario's levels and origin").atMost(SETTLE)
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> {
                        int before = client.requests();
                        Snapshot snapshot = reader.read();
                        cost.set(client.requests() - before);
                        last.set(snapshot);
                        assertEquals(List.of(), reader.withoutMetrics(), "subtasks without metrics at the JobManager");
                        assertLevels(snapshot, levels, origin, judge);
                    });
        } finally {
            if (last.get() != null) {
                System.out.printf("[%s] status --rest %s (%d requests):%n%s%n", label, url, cost.get(),
                        String.join("\n", new TableReport(false).render(last.get())));
            }
        }
        Snapshot snapshot = last.get();
        int vertices = snapshot.diagnosis.graph.vertices.size();
        long withoutAgent = snapshot.diagnosis.graph.vertices.stream().filter(v -> v.subtasks.stream()
                .anyMatch(t -> !TaskSnapshot.Placement.BY_AGENT.equals(t.judgedBy))).count();
        // The job and its checkpoints, then per vertex its subtasks and one request for the agent's figures text (parallelism 2
        // fits in one), and one more for Flink's own metrics where a subtask has no agent.
        assertEquals(2 + 2 * vertices + withoutAgent, (long) cost.get(), "requests of one reading of " + vertices
                + " vertices, " + withoutAgent + " with a subtask without the agent's figures");
        Set<String> seen = new TreeSet<>();
        for (TaskSnapshot task : snapshot.tasks) {
            assertNotNull(task.host, "host of " + task.vertex + " " + task.subtask);
            if (task.taskManager != null || taskManagers > 0) {
                assertNotNull(task.taskManager, "taskManager of " + task.vertex + " " + task.subtask);
                seen.add(task.taskManager);
            }
        }
        if (taskManagers > 0) {
            assertEquals(taskManagers, seen.size(), "TaskManagers that run the subtasks: " + seen);
        }
        System.out.printf("[%s] status --rest JSON: %s%n", label, JsonReport.render(snapshot));
        String jobId = snapshot.cluster.jobId;
        assertEquals(jobId, RestSnapshotReader.open(client, jobId).read().cluster.jobId, "--job by id");
        CliException noSuchJob = assertThrows(CliException.class, () -> RestSnapshotReader.open(client, "no-such-job"));
        assertEquals("no job no-such-job on " + url, noSuchJob.getMessage());
        assertTrue(noSuchJob.hint().contains(jobId), "the hint lists the jobs: " + noSuchJob.hint());
        boolean judged = snapshot.tasks.stream().noneMatch(t -> TaskSnapshot.Placement.BY_NONE.equals(t.judgedBy));
        runTheJar(label, url, judged ? origin : null);
        if (TaskSnapshot.Placement.BY_FLINK.equals(judge)) {
            watchTheJar(label, url, levels);
        }
    }

    private static final int WATCHED_READINGS = 6;

    /**
     * Where Flink's own metrics judge (no agent history in them), {@code status --rest --watch}
     * keeps the history itself, one point per reading: after {@value #WATCHED_READINGS} readings a
     * second apart each vertex has a watched history whose newest point is the ratio that same
     * reading shows (Flink's {@code backPressuredTimeMsPerSecond} / 1000 of its worst subtask), every
     * point at the scenario's level; a steadily HIGH vertex reads PERSISTENT with one ongoing
     * episode, an OK one NONE.
     */
    private static void watchTheJar(String label, String url, Map<String, String> levels) throws Exception {
        String lines = CliJar.run(Duration.ofSeconds(120), "status", "--rest", url, "--json", "--watch", "1",
                "--count", String.valueOf(WATCHED_READINGS));
        String[] readings = lines.split("\n");
        assertEquals(WATCHED_READINGS, readings.length, "one JSON line per reading: " + lines);
        String last = readings[readings.length - 1];
        System.out.printf("[%s] chokepoint status --rest %s --json --watch 1 --count %d, the last line: %s%n", label,
                url, WATCHED_READINGS, last);
        Map<?, ?> json = (Map<?, ?>) JsonTree.parse(last.getBytes(StandardCharsets.UTF_8));
        for (Object v : (List<?>) json.get(StatusJson.VERTICES)) {
            Map<?, ?> vertex = (Map<?, ?>) v;
            String name = (String) vertex.get(StatusJson.NAME);
            String level = levels.get(name);
            assertEquals(StatusJson.HISTORY_FROM_WATCH, vertex.get(StatusJson.HISTORY_FROM), name + ": " + vertex);
            List<?> points = (List<?>) vertex.get(StatusJson.HISTORY);
            long read = points.stream().filter(p -> p != null).count();
            assertTrue(points.size() >= WATCHED_READINGS - 1 && read >= WATCHED_READINGS - 2,
                    name + ": a point per reading: " + points);
            // the newest point holds this reading's ratio (or a higher one of an earlier reading in the same step)
            assertTrue(((Number) points.get(points.size() - 1)).doubleValue()
                    >= ((Number) vertex.get(StatusJson.RATIO)).doubleValue() - 1e-9, name + ": " + vertex);
            for (Object point : points) {
                if (point != null && level != null) {
                    assertEquals(level, BackPressureLevel.of(((Number) point).doubleValue(), Settings.LOW_DEFAULT,
                            Settings.HIGH_DEFAULT).name(), name + ": every point at the level Flink's metrics gave: " + points);
                }
            }
            List<?> episodes = (List<?>) vertex.get(StatusJson.EPISODES);
            if ("HIGH".equals(level)) {
                assertEquals("PERSISTENT", vertex.get(StatusJson.PERSISTENCE), name + ": " + vertex);
                assertEquals(1, episodes.size(), name + ": " + episodes);
                assertEquals(Boolean.TRUE, ((Map<?, ?>) episodes.get(0)).get(Episode.ONGOING), name + ": " + episodes);
            } else if ("OK".equals(level)) {
                assertEquals("NONE", vertex.get(StatusJson.PERSISTENCE), name + ": " + vertex);
                assertEquals(List.of(), episodes, name);
            }
            for (Object t : (List<?>) vertex.get(StatusJson.SUBTASKS)) {
                assertEquals(StatusJson.HISTORY_FROM_WATCH, ((Map<?, ?>) t).get(StatusJson.HISTORY_FROM), name + ": " + t);
            }
        }
    }

    /**
     * Every subtask judged by {@code judge}; judged ones at the scenario's level, unjudged ones
     * ({@code none}) without a level, and then the report must say what is missing and how to add the agent.
     */
    private static void assertLevels(Snapshot snapshot, Map<String, String> levels, String origin, String judge) {
        Set<String> judges = new TreeSet<>();
        Set<String> vertices = new TreeSet<>();
        for (Vertex vertex : snapshot.diagnosis.graph.vertices) {
            vertices.add(vertex.name);
            for (TaskSnapshot task : vertex.subtasks) {
                String what = vertex.name + " " + task.subtask;
                assertEquals(judge, task.judgedBy, "what judged " + what);
                judges.add(task.judgedBy);
                boolean judged = !TaskSnapshot.Placement.BY_NONE.equals(task.judgedBy);
                assertEquals(judged ? levels.get(vertex.name) : null, task.backPressureLevel, "level of " + what);
                // the agent's figures carry its history's verdict; Flink's own metrics have none
                assertEquals(TaskSnapshot.Placement.BY_AGENT.equals(task.judgedBy), task.history.known(),
                        "persistence of " + what + ": " + task.history.persistence);
            }
        }
        assertEquals(new TreeSet<>(levels.keySet()), vertices, "vertices");
        assertEquals(1, judges.size(), "one judge for every subtask of one agent version: " + judges);
        assertTrue(snapshot.diagnosis.graph.topologyKnown, "job order from the plan's edges");
        boolean judged = !judges.contains(TaskSnapshot.Placement.BY_NONE);
        assertEquals(judged ? origin : null, snapshot.diagnosis.origin == null ? null : snapshot.diagnosis.origin.name,
                "origin: " + snapshot.diagnosis.reason);
        if (!judged) {
            String notes = String.join("\n", snapshot.cluster.notes);
            assertTrue(notes.contains("no level for ") && notes.contains("TaskManagers without the Chokepoint agent: ")
                    && notes.contains("-javaagent:"), "notes: " + notes);
            assertTrue(snapshot.diagnosis.reason.startsWith("no subtask has a level"), snapshot.diagnosis.reason);
        }
    }

    /** The real jar, as an operator runs it: {@code status --rest URL --json --wait}. */
    private static void runTheJar(String label, String url, String origin) throws Exception {
        String json = CliJar.run(Duration.ofSeconds(120), "status", "--rest", url, "--json", "--wait");
        System.out.printf("[%s] chokepoint status --rest %s --json --wait: %s%n", label, url, json);
        assertFalse(json.contains("\n"), "one JSON line: " + json);
        assertTrue(json.contains("\"rest\":\"" + url + "\""), json);
        if (origin == null) {
            assertTrue(json.contains("\"origin\":{\"vertex\":null"), json);
        } else {
            assertTrue(json.contains("\"origin\":{\"vertex\":\"" + origin + "\""), json);
        }
        assertTrue(json.contains("\"taskManager\":\"") || json.contains("\"host\":\""), json);
    }
}

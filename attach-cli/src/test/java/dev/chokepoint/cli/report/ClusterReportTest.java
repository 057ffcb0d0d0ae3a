package dev.chokepoint.cli.report;


import dev.chokepoint.api.Episode;
import dev.chokepoint.api.Persistence;
import dev.chokepoint.api.StatusJson;
import dev.chokepoint.cli.jmx.AgentSettings;
import dev.chokepoint.cli.jmx.TaskHistory;
import dev.chokepoint.cli.jmx.TaskSnapshot;
import dev.chokepoint.cli.rest.JsonTree;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.chokepoint.cli.report.Tasks.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report of a whole job read through Flink's REST API: the job, and where each subtask runs. */
class ClusterReportTest {

    private static final ClusterSource CLUSTER = new ClusterSource("http://jm:8081", "a1b2", "orders", "RUNNING",
            List.of("judged from Flink's own backPressuredTimeMsPerSecond / 1000 (...): Map"));

    private static Snapshot twoTaskManagers() {
        return new Snapshot(CLUSTER, 1700000000000L, AgentSettings.DEFAULTS, List.of(
                task("Source: S", 0, 2).ratio(1).out(1).dataSets(List.of("s>m"), List.of()).on("tm-1", "host-a", "agent").build(),
                task("Source: S", 1, 2).ratio(1).out(1).dataSets(List.of("s>m"), List.of()).on("tm-2", "host-b", "agent").build(),
                task("Map", 0, 2).ratio(0).busy(0.95).in(1, 1, 1).dataSets(List.of(), List.of("s>m")).on("tm-1", "host-a", "flink").build(),
                task("Map", 1, 2).ratio(0).busy(0.95).in(1, 1, 1).dataSets(List.of(), List.of("s>m")).on("tm-2", "host-b", "flink").build()));
    }

    @Test
    void theJsonNamesTheJobAndWhereEachSubtaskRuns() throws IOException {
        Map<?, ?> json = (Map<?, ?>) parse(JsonReport.render(twoTaskManagers()));

        assertEquals(List.of(StatusJson.PID, StatusJson.AGENT_VERSION, StatusJson.TIMESTAMP, StatusJson.WINDOW_FULL, StatusJson.REST,
                StatusJson.JOB_ID, StatusJson.JOB, StatusJson.JOB_STATE, StatusJson.NOTES, StatusJson.VERTICES,
                StatusJson.ORIGIN, StatusJson.ORIGINS), new ArrayList<>(json.keySet()));
        assertNull(json.get(StatusJson.PID), "no one JVM");
        assertEquals("http://jm:8081", json.get(StatusJson.REST));
        assertEquals("orders", json.get(StatusJson.JOB));
        assertEquals(CLUSTER.notes, json.get(StatusJson.NOTES));
        List<?> vertices = (List<?>) json.get(StatusJson.VERTICES);
        Map<?, ?> map = (Map<?, ?>) ((List<?>) ((Map<?, ?>) vertices.get(1)).get(StatusJson.SUBTASKS)).get(1);
        assertEquals("tm-2", map.get(StatusJson.TASK_MANAGER));
        assertEquals("host-b", map.get(StatusJson.HOST));
        assertEquals("flink", map.get(StatusJson.JUDGED_BY));
        assertEquals("Map", ((Map<?, ?>) json.get(StatusJson.ORIGIN)).get(StatusJson.VERTEX));
    }

    @Test
    void theTableHasAHostAndTaskManagerColumnAndTheNotes() {
        List<String> lines = new TableReport(false).render(twoTaskManagers());

        assertEquals("Chokepoint - job orders (a1b2, RUNNING)", lines.get(0));
        String header = lines.stream().filter(l -> l.startsWith("VERTEX / SUBTASK")).findFirst().orElseThrow();
        assertTrue(header.endsWith("CAUSE          " + TableReport.PLACEMENT_COLUMNS), header);
        String row = lines.stream().filter(l -> l.startsWith("  Map (2/2)")).findFirst().orElseThrow();
        assertTrue(row.endsWith("host-b  tm-2"), row);
        assertEquals(header.indexOf(TableReport.PLACEMENT_COLUMNS), row.indexOf("host-b"), "aligned:\n" + header + "\n" + row);
        assertTrue(lines.contains("  note: " + CLUSTER.notes.get(0)), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("  origin: Map - ")), String.join("\n", lines));
    }

    @Test
    void anOriginJudgedByFlinkSaysTheAgentTellsWhy() {
        List<TaskSnapshot> tasks = List.of(
                task("Source: S", 0, 1).ratio(1).out(1).dataSets(List.of("s>m"), List.of()).on("tm-1", "h", "flink").build(),
                flinkJudged("Map", 0.97, List.of("s>m")));
        Diagnosis diagnosis = new Snapshot(CLUSTER, 1L, AgentSettings.DEFAULTS, tasks).diagnosis;

        assertEquals("Map", diagnosis.origin.name);
        assertEquals(dev.chokepoint.api.Cause.UNKNOWN, diagnosis.cause);
        assertEquals(List.of("busy 97%; why needs the Chokepoint agent on its TaskManagers (Flink's own metrics do not"
                + " split the busy time)"), diagnosis.evidence);
    }

    /** As Flink 1.13+'s metrics judge a subtask: busy and idle, no split of the busy time by cause. */
    private static TaskSnapshot flinkJudged(String vertex, double busy, List<String> consumed) {
        return new TaskSnapshot(null, vertex, 0, 1, 0, "OK", 0, 100, 0,
                new TaskSnapshot.BufferPools(Double.NaN, 1, 1, 1, 0, 0, 1 - busy, busy, 0, Double.NaN, Double.NaN,
                        Double.NaN, 1), List.of(), consumed,
                new TaskSnapshot.BusyCauses(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                        Double.NaN, null, "", "", List.of(), -1),
                new TaskSnapshot.Placement("tm-1", "h", TaskSnapshot.Placement.BY_FLINK));
    }

    @Test
    void aHistoryThisCliKeptWhileWatchingIsShownAsWatched() throws IOException {
        TaskHistory watched = new TaskHistory(
                Persistence.PERSISTENT, List.of(new Episode(1_000, -1, 8_000, "HIGH",
                        0.97, "")), new double[] {0.97, 0.97, 0.97, 0.97}, 2_000, 9_000, true);
        TaskSnapshot map = flinkJudged("Map", 0.97, List.of("s>m")).withHistory(watched);
        Snapshot snapshot = new Snapshot(CLUSTER, 9_000L, AgentSettings.DEFAULTS, List.of(map));

        String row = new TableReport(false).render(snapshot).stream().filter(l -> l.startsWith("Map"))
                .findFirst().orElseThrow();
        assertTrue(row.endsWith("PERSISTENT  " + Sparkline.ascii().render(watched.ratios(), TableReport.SPARKLINE_WIDTH)
                + " 8s watched"), row);
        Map<?, ?> vertex = (Map<?, ?>) ((List<?>) ((Map<?, ?>) parse(JsonReport.render(snapshot)))
                .get(StatusJson.VERTICES)).get(0);
        assertEquals(StatusJson.HISTORY_FROM_WATCH, vertex.get(StatusJson.HISTORY_FROM));
        assertEquals(2_000L, ((Number) vertex.get(StatusJson.HISTORY_STEP_MILLIS)).longValue());
        Map<?, ?> subtask = (Map<?, ?>) ((List<?>) vertex.get(StatusJson.SUBTASKS)).get(0);
        assertEquals("PERSISTENT", subtask.get(StatusJson.PERSISTENCE));
        assertEquals(StatusJson.HISTORY_FROM_WATCH, subtask.get(StatusJson.HISTORY_FROM));
    }

    @Test
    void aSubtaskWithoutALevelShowsADashAndNull() throws IOException {
        TaskSnapshot unjudged = new TaskSnapshot(null, "Map", 0, 1, Double.NaN, null, 0, 100, 0,
                new TaskSnapshot.BufferPools(0.5, 0.2, 0.1, 0.3, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                        Double.NaN, Double.NaN, Double.NaN, Double.NaN, -1), List.of(), List.of(),
                new TaskSnapshot.BusyCauses(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                        Double.NaN, null, "", "", List.of(), -1),
                new TaskSnapshot.Placement(null, "host-a", TaskSnapshot.Placement.BY_NONE));
        Snapshot snapshot = new Snapshot(CLUSTER, 1L, AgentSettings.DEFAULTS, List.of(unjudged));

        String row = new TableReport(false).render(snapshot).stream().filter(l -> l.startsWith("  Map (1/1)"))
                .findFirst().orElseThrow();
        String[] cells = row.trim().split("\\s+");
        assertEquals("-", cells[2], "level: " + row);
        assertEquals("-", cells[3], "ratio: " + row);
        assertEquals("50%", cells[8], "outPool: " + row);
        Map<?, ?> json = (Map<?, ?>) parse(JsonReport.render(snapshot));
        Map<?, ?> vertex = (Map<?, ?>) ((List<?>) json.get(StatusJson.VERTICES)).get(0);
        assertNull(vertex.get(StatusJson.BACKPRESSURE_LEVEL));
        Map<?, ?> subtask = (Map<?, ?>) ((List<?>) vertex.get(StatusJson.SUBTASKS)).get(0);
        assertNull(subtask.get(StatusJson.TASK_MANAGER), "1.9 does not tell the TaskManager");
        assertEquals("none", subtask.get(StatusJson.JUDGED_BY));
        assertNull(snapshot.diagnosis.origin);
        assertTrue(snapshot.diagnosis.reason.startsWith("no subtask has a level"), "not 'nothing is backpressured': "
                + snapshot.diagnosis.reason);
    }

    private static Object parse(String json) throws IOException {
        return JsonTree.parse(json.getBytes(StandardCharsets.UTF_8));
    }
}

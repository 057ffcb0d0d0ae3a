package dev.chokepoint.cli.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.chokepoint.api.Episode;
import dev.chokepoint.api.Persistence;
import dev.chokepoint.api.StatusJson;
import dev.chokepoint.cli.jmx.AgentSettings;
import dev.chokepoint.cli.jmx.TaskHistory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.chokepoint.cli.report.Tasks.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonReportTest {

    private static Snapshot sourceAndMap() {
        return new Snapshot(42, "0.1.0-test", 1700000000000L, AgentSettings.DEFAULTS, List.of(
                task("Map", 0, 1).ratio(0).busy(0.9).out(0.2).in(0, 0, 0).build(),
                task("Source: S", 0, 1).ratio(0.75).out(1.0).build()));
    }

    @Test
    void historyGivesEachVertexAndSubtaskItsPersistenceAndEpisodesAndEachVertexItsRatios() throws IOException {
        long end = 1700000000000L;
        TaskHistory periodic = new TaskHistory(Persistence.TEMPORARY, List.of(
                new Episode(end - 30_000, end - 22_000, 8_000, "HIGH", 0.8, "CPU"),
                new Episode(end - 5_000, Episode.ONGOING_END, 5_000, "LOW", 0.4, "")),
                new double[] {0.8, Double.NaN, 0.4}, 1000, end);
        Snapshot snapshot = new Snapshot(42, "0.1.0-test", end, AgentSettings.DEFAULTS, List.of(
                task("Map", 0, 1).ratio(0).busy(0.9).out(0.2).in(0, 0, 0).build(),
                task("Source: S", 0, 1).ratio(0.75).out(1.0).history(periodic).build()));
        Map<?, ?> json = (Map<?, ?>) parse(JsonReport.render(snapshot));

        List<?> vertices = (List<?>) json.get(StatusJson.VERTICES);
        Map<?, ?> source = (Map<?, ?>) vertices.get(0);
        assertEquals("TEMPORARY", source.get(StatusJson.PERSISTENCE));
        assertEquals(StatusJson.HISTORY_FROM_AGENT, source.get(StatusJson.HISTORY_FROM));
        assertEquals(java.util.Arrays.asList(0.8, null, 0.4), source.get(StatusJson.HISTORY));
        assertEquals(1000L, source.get(StatusJson.HISTORY_STEP_MILLIS));
        assertEquals(end, source.get(StatusJson.HISTORY_END_MILLIS));
        List<?> episodes = (List<?>) source.get(StatusJson.EPISODES);
        assertEquals(2, episodes.size());
        Map<?, ?> first = (Map<?, ?>) episodes.get(0);
        assertEquals(end - 30_000, first.get(Episode.START));
        assertEquals(end - 22_000, first.get(Episode.END));
        assertEquals("HIGH", first.get(Episode.PEAK_LEVEL));
        assertEquals(0.8, first.get(Episode.MEAN_RATIO));
        assertEquals("CPU", first.get(Episode.CAUSE));
        Map<?, ?> ongoing = (Map<?, ?>) episodes.get(1);
        assertTrue(ongoing.containsKey(Episode.END));
        assertNull(ongoing.get(Episode.END), "end null while ongoing");
        assertEquals(true, ongoing.get(Episode.ONGOING));
        assertNull(ongoing.get(Episode.CAUSE));
        Map<?, ?> subtask = (Map<?, ?>) ((List<?>) source.get(StatusJson.SUBTASKS)).get(0);
        assertEquals("TEMPORARY", subtask.get(StatusJson.PERSISTENCE));
        assertEquals(episodes, subtask.get(StatusJson.EPISODES));

        Map<?, ?> map = (Map<?, ?>) vertices.get(1);
        assertTrue(map.containsKey(StatusJson.PERSISTENCE));
        assertNull(map.get(StatusJson.PERSISTENCE), "no history kept: null");
        assertNull(map.get(StatusJson.HISTORY_FROM));
        assertEquals(List.of(), map.get(StatusJson.EPISODES));
        assertFalse(map.containsKey(StatusJson.HISTORY));
    }

    @Test
    void aReadingRightAfterAnAttachIsMarkedAsNotFull() throws IOException {
        Snapshot warming = new Snapshot(42, "0.1.0-test", 1700000000000L, new AgentSettings(40, 50, 0.1, 0.5), List.of(
                task("Map", 0, 1).ratio(0).busy(0.9).samples(40).build(),
                task("Source: S", 0, 1).ratio(0.75).out(1.0).samples(7).build()));
        Map<?, ?> json = (Map<?, ?>) parse(JsonReport.render(warming));

        assertEquals(false, json.get(StatusJson.WINDOW_FULL));
        Map<?, ?> source = (Map<?, ?>) ((List<?>) json.get(StatusJson.VERTICES)).get(0);
        assertEquals(7L, ((Map<?, ?>) ((List<?>) source.get(StatusJson.SUBTASKS)).get(0)).get(StatusJson.SAMPLES));
        assertEquals(true, ((Map<?, ?>) parse(JsonReport.render(sourceAndMap()))).get(StatusJson.WINDOW_FULL));
    }

    @Test
    void severalJobsAreGroupedEachWithItsVerticesAndOrigins() throws IOException {
        String a = "aaaaaaaa000000000000000000000001";
        String b = "bbbbbbbb000000000000000000000002";
        Snapshot shared = new Snapshot(42, "0.1.0-test", 1700000000000L, AgentSettings.DEFAULTS, List.of(
                task("Parse", 0, 1).ratio(0.9).out(1.0).job("Orders", a).dataSets(List.of("pa"), List.of()).build(),
                task("Sink: Out", 0, 1).ratio(0).busy(0.97).in(0, 0, 0).job("Orders", a).dataSets(List.of(), List.of("pa")).build(),
                task("Parse", 0, 1).ratio(0).busy(0.01).out(0).job("Orders", b).dataSets(List.of("pb"), List.of()).build(),
                task("Sink: Out", 0, 1).ratio(0).busy(0.01).in(0, 0, 0).job("Orders", b).dataSets(List.of(), List.of("pb")).build()));
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) parse(JsonReport.render(shared));

        assertEquals(List.of(StatusJson.PID, StatusJson.AGENT_VERSION, StatusJson.TIMESTAMP, StatusJson.WINDOW_FULL, StatusJson.JOBS),
                new ArrayList<>(json.keySet()), "no top-level vertices/origin with several jobs");
        List<?> jobs = (List<?>) json.get(StatusJson.JOBS);
        assertEquals(2, jobs.size());
        Map<?, ?> first = (Map<?, ?>) jobs.get(0);
        Map<?, ?> second = (Map<?, ?>) jobs.get(1);
        assertEquals(List.of(StatusJson.NAME, StatusJson.ID, StatusJson.VERTICES, StatusJson.ORIGIN, StatusJson.ORIGINS),
                new ArrayList<>(first.keySet()));
        assertEquals(a, first.get(StatusJson.ID));
        assertEquals("Orders", first.get(StatusJson.NAME));
        assertEquals("Sink: Out", ((Map<?, ?>) first.get(StatusJson.ORIGIN)).get(StatusJson.VERTEX));
        assertEquals(1, ((List<?>) first.get(StatusJson.ORIGINS)).size());
        assertEquals(b, second.get(StatusJson.ID));
        assertNull(((Map<?, ?>) second.get(StatusJson.ORIGIN)).get(StatusJson.VERTEX), "job B has no backpressure");
        assertEquals(List.of(), second.get(StatusJson.ORIGINS));
        assertEquals(2, ((List<?>) second.get(StatusJson.VERTICES)).size(), "B's own Parse and Sink, not merged with A's");
    }

    @Test
    void theIssuesShapeWithNanAsNull() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) parse(JsonReport.render(sourceAndMap()));

        assertEquals(List.of(StatusJson.PID, StatusJson.AGENT_VERSION, StatusJson.TIMESTAMP, StatusJson.WINDOW_FULL, StatusJson.VERTICES,
                StatusJson.ORIGIN, StatusJson.ORIGINS), new ArrayList<>(json.keySet()));
        assertEquals(42L, json.get(StatusJson.PID));
        assertEquals("0.1.0-test", json.get(StatusJson.AGENT_VERSION));
        assertEquals(1700000000000L, json.get(StatusJson.TIMESTAMP));
        List<?> vertices = (List<?>) json.get(StatusJson.VERTICES);
        Map<?, ?> source = (Map<?, ?>) vertices.get(0);
        assertEquals(List.of(StatusJson.NAME, StatusJson.BACKPRESSURE_LEVEL, StatusJson.RATIO, StatusJson.PERSISTENCE,
                StatusJson.HISTORY_FROM, StatusJson.EPISODES, StatusJson.SUBTASKS), new ArrayList<>(source.keySet()));
        assertEquals("Source: S", source.get(StatusJson.NAME));
        assertEquals("HIGH", source.get(StatusJson.BACKPRESSURE_LEVEL));
        assertEquals(0.75, source.get(StatusJson.RATIO));
        Map<?, ?> subtask = (Map<?, ?>) ((List<?>) source.get(StatusJson.SUBTASKS)).get(0);
        assertEquals(List.of(StatusJson.SUBTASK, StatusJson.THREAD, StatusJson.SAMPLES, StatusJson.BACKPRESSURE_LEVEL, StatusJson.RATIO,
                StatusJson.HARD_RATIO, StatusJson.SOFT_RATIO, StatusJson.IDLE_RATIO, StatusJson.BUSY_RATIO,
                StatusJson.OUT_POOL_USAGE, StatusJson.IN_POOL_USAGE, StatusJson.FLOATING_BUFFERS_USAGE,
                StatusJson.EXCLUSIVE_BUFFERS_USAGE, StatusJson.BACK_PRESSURED_TIME_MS_PER_SECOND,
                StatusJson.CPU_RATIO, StatusJson.GC_RATIO, StatusJson.LOCK_RATIO, StatusJson.IO_RATIO,
                StatusJson.SLEEP_RATIO, StatusJson.EXTERNAL_WAIT_RATIO, StatusJson.OTHER_BUSY_RATIO, StatusJson.CAUSE,
                StatusJson.LOCK_OWNER, StatusJson.HOT_FRAMES, StatusJson.RECORDS_IN, StatusJson.PERSISTENCE,
                StatusJson.HISTORY_FROM, StatusJson.EPISODES), new ArrayList<>(subtask.keySet()));
        assertEquals(0L, subtask.get(StatusJson.SUBTASK));
        assertEquals("Source: S (1/1)#0", subtask.get(StatusJson.THREAD));
        assertEquals(1.0, subtask.get(StatusJson.OUT_POOL_USAGE));
        assertNull(subtask.get(StatusJson.IN_POOL_USAGE), "a source has no input pools: NaN is null");
        assertEquals("Map", ((Map<?, ?>) vertices.get(1)).get(StatusJson.NAME));
        Map<?, ?> origin = (Map<?, ?>) json.get(StatusJson.ORIGIN);
        assertEquals(List.of(StatusJson.VERTEX, StatusJson.REASON, StatusJson.CAUSE, StatusJson.EVIDENCE,
                StatusJson.SUBTASKS), new ArrayList<>(origin.keySet()));
        assertEquals("Map", origin.get(StatusJson.VERTEX));
        assertEquals(String.class, origin.get(StatusJson.REASON).getClass());
        assertEquals("CPU", origin.get(StatusJson.CAUSE));
        assertEquals(List.of("busy 90%: CPU 90%"), origin.get(StatusJson.EVIDENCE));
        assertEquals(List.of(0L), origin.get(StatusJson.SUBTASKS));
    }

    @Test
    void theCausesOfEachSubtaskAndWhyTheOriginIsSlow() throws IOException {
        Snapshot snapshot = new Snapshot(42, "0.1.0-test", 1700000000000L, AgentSettings.DEFAULTS, List.of(
                task("Source: S", 0, 1).ratio(1.0).out(1.0).dataSets(List.of("s"), List.of()).build(),
                task("Locked", 0, 2).causes(0.05, 0.01, 0.7, 0.02, 0.03, 0.04, 0.1).recordsIn(1234)
                        .lock("java.lang.Object", "cache-refresher").hotFrames("dev.x.Cache.get 75%", "dev.x.Cache.put 20%")
                        .dataSets(List.of(), List.of("s")).build(),
                task("Locked", 1, 2).causes(0.01, 0, 0.02, 0, 0, 0, 0)
                        .dataSets(List.of(), List.of("s")).build()));
        Map<?, ?> json = (Map<?, ?>) parse(JsonReport.render(snapshot));

        Map<?, ?> locked = (Map<?, ?>) ((List<?>) json.get(StatusJson.VERTICES)).get(1);
        Map<?, ?> busy = (Map<?, ?>) ((List<?>) locked.get(StatusJson.SUBTASKS)).get(0);
        assertEquals(0.05, busy.get(StatusJson.CPU_RATIO));
        assertEquals(0.01, busy.get(StatusJson.GC_RATIO));
        assertEquals(0.7, busy.get(StatusJson.LOCK_RATIO));
        assertEquals(0.02, busy.get(StatusJson.IO_RATIO));
        assertEquals(0.03, busy.get(StatusJson.SLEEP_RATIO));
        assertEquals(0.04, busy.get(StatusJson.EXTERNAL_WAIT_RATIO));
        assertEquals(0.1, busy.get(StatusJson.OTHER_BUSY_RATIO));
        assertEquals("LOCK", busy.get(StatusJson.CAUSE));
        assertEquals("cache-refresher", busy.get(StatusJson.LOCK_OWNER));
        assertEquals(List.of("dev.x.Cache.get 75%", "dev.x.Cache.put 20%"), busy.get(StatusJson.HOT_FRAMES));
        assertEquals(1234L, busy.get(StatusJson.RECORDS_IN));
        Map<?, ?> calm = (Map<?, ?>) ((List<?>) locked.get(StatusJson.SUBTASKS)).get(1);
        assertEquals("NONE", calm.get(StatusJson.CAUSE));
        assertNull(calm.get(StatusJson.LOCK_OWNER), "waited for no lock: null");
        assertEquals(List.of(), calm.get(StatusJson.HOT_FRAMES));
        assertNull(calm.get(StatusJson.RECORDS_IN), "RecordsIn -1 (unknown): null");

        Map<?, ?> origin = (Map<?, ?>) json.get(StatusJson.ORIGIN);
        assertEquals("Locked", origin.get(StatusJson.VERTEX));
        assertEquals("SKEW", origin.get(StatusJson.CAUSE));
        assertEquals(List.of("subtask 0 busy 95%, subtask 1 busy 3%", "subtask 0: busy 95%: LOCK 70%"),
                origin.get(StatusJson.EVIDENCE));
        assertEquals(List.of(0L), origin.get(StatusJson.SUBTASKS));
    }

    @Test
    void withoutAnOriginItsCauseIsNull() throws IOException {
        Snapshot calm = new Snapshot(42, "0.1.0-test", 1700000000000L, AgentSettings.DEFAULTS,
                List.of(task("Source: S", 0, 1).build()));
        Map<?, ?> origin = (Map<?, ?>) ((Map<?, ?>) parse(JsonReport.render(calm))).get(StatusJson.ORIGIN);

        assertEquals(List.of(StatusJson.VERTEX, StatusJson.REASON, StatusJson.CAUSE, StatusJson.EVIDENCE,
                StatusJson.SUBTASKS), new ArrayList<>(origin.keySet()));
        assertNull(origin.get(StatusJson.VERTEX));
        assertNull(origin.get(StatusJson.CAUSE));
        assertEquals(List.of(), origin.get(StatusJson.EVIDENCE));
        assertEquals(List.of(), origin.get(StatusJson.SUBTASKS));
    }

    /**
     * The output byte for byte, as scripts parse it: the one place the field names are spelt out
     * here, so that a changed {@link StatusJson} value, which breaks those scripts, fails this test.
     */
    @Test
    void theOutputIsPinned() {
        assertEquals("{\"pid\":42,\"agentVersion\":\"0.1.0-test\",\"timestamp\":1700000000000,\"windowFull\":true,\"vertices\":["
                + "{\"name\":\"Source: S\",\"backpressureLevel\":\"HIGH\",\"ratio\":0.75,\"persistence\":null,\"historyFrom\":null,\"episodes\":[],\"subtasks\":["
                + "{\"subtask\":0,\"thread\":\"Source: S (1/1)#0\",\"samples\":100,\"backpressureLevel\":\"HIGH\",\"ratio\":0.75,"
                + "\"hardRatio\":0.375,\"softRatio\":0.375,\"idleRatio\":0.15,\"busyRatio\":0.1,\"outPoolUsage\":1.0,"
                + "\"inPoolUsage\":null,\"floatingBuffersUsage\":null,\"exclusiveBuffersUsage\":null,"
                + "\"backPressuredTimeMsPerSecond\":750.0,\"cpuRatio\":0.1,\"gcRatio\":0.0,\"lockRatio\":0.0,"
                + "\"ioRatio\":0.0,\"sleepRatio\":0.0,\"externalWaitRatio\":0.0,\"otherBusyRatio\":0.0,"
                + "\"cause\":\"NONE\",\"lockOwner\":null,\"hotFrames\":[],\"recordsIn\":null,\"persistence\":null,\"historyFrom\":null,\"episodes\":[]}]},"
                + "{\"name\":\"Map\",\"backpressureLevel\":\"OK\",\"ratio\":0.0,\"persistence\":null,\"historyFrom\":null,\"episodes\":[],\"subtasks\":["
                + "{\"subtask\":0,\"thread\":\"Map (1/1)#0\",\"samples\":100,\"backpressureLevel\":\"OK\",\"ratio\":0.0,"
                + "\"hardRatio\":0.0,\"softRatio\":0.0,\"idleRatio\":0.09999999999999998,\"busyRatio\":0.9,"
                + "\"outPoolUsage\":0.2,\"inPoolUsage\":0.0,\"floatingBuffersUsage\":0.0,\"exclusiveBuffersUsage\":0.0,"
                + "\"backPressuredTimeMsPerSecond\":0.0,\"cpuRatio\":0.9,\"gcRatio\":0.0,\"lockRatio\":0.0,"
                + "\"ioRatio\":0.0,\"sleepRatio\":0.0,\"externalWaitRatio\":0.0,\"otherBusyRatio\":0.0,"
                + "\"cause\":\"CPU\",\"lockOwner\":null,\"hotFrames\":[],\"recordsIn\":null,\"persistence\":null,\"historyFrom\":null,\"episodes\":[]}]}],"
                + "\"origin\":{\"vertex\":\"Map\",\"reason\":\"Map is not backpressured (OK 0.00) but its input Source: S"
                + " is (HIGH 0.75); it is busy 90% of the time; pools: input usages all 0 (local channels only): the pools"
                + " cannot tell, the samples do (job order guessed: the agent does not report the job topology)\","
                + "\"cause\":\"CPU\",\"evidence\":[\"busy 90%: CPU 90%\"],\"subtasks\":[0]},"
                + "\"origins\":[{\"vertex\":\"Map\",\"reason\":\"Map is not backpressured (OK 0.00) but its input Source: S"
                + " is (HIGH 0.75); it is busy 90% of the time; pools: input usages all 0 (local channels only): the pools"
                + " cannot tell, the samples do (job order guessed: the agent does not report the job topology)\","
                + "\"cause\":\"CPU\",\"evidence\":[\"busy 90%: CPU 90%\"],\"subtasks\":[0]}]}",
                JsonReport.render(sourceAndMap()));
    }

    /** A minimal tree reader over jackson-core's streaming parser: objects keep their field order. */
    static Object parse(String text) throws IOException {
        try (JsonParser parser = new JsonFactory().createParser(text)) {
            parser.nextToken();
            Object value = value(parser);
            if (parser.nextToken() != null) {
                throw new IOException("trailing content after the JSON value");
            }
            return value;
        }
    }

    private static Object value(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT:
                Map<String, Object> object = new LinkedHashMap<>();
                while (parser.nextToken() != JsonToken.END_OBJECT) {
                    String name = parser.currentName();
                    parser.nextToken();
                    object.put(name, value(parser));
                }
                return object;
            case START_ARRAY:
                List<Object> array = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(value(parser));
                }
                return array;
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
                return parser.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return parser.getDoubleValue();
            case VALUE_TRUE:
            case VALUE_FALSE:
                return parser.getBooleanValue();
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected " + token);
        }
    }
}

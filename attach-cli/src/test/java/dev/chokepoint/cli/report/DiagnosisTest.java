package dev.chokepoint.cli.report;

import dev.chokepoint.cli.jmx.TaskSnapshot;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static dev.chokepoint.cli.report.Tasks.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DiagnosisTest {

    // The demo job: Source: Events -> Parse -> Enrich (slow) -> Window -> Sink: Discard, result partitions a..d.
    private static List<TaskSnapshot> demoJob(boolean topology) {
        return List.of(
                withSets(task("Window", 0, 1).ratio(0).busy(0.05).out(0.1).in(0, 0, 0), topology, "d", "c"),
                withSets(task("Source: Events", 0, 1).ratio(1.0).out(1.0), topology, "a", null),
                withSets(task("Enrich", 0, 1).ratio(0).busy(0.97).out(0.2).in(0, 0, 0), topology, "c", "b"),
                withSets(task("Sink: Discard", 0, 1).ratio(0).busy(0.01).in(0, 0, 0), topology, null, "d"),
                withSets(task("Parse", 0, 1).ratio(0.9).busy(0.05).out(1.0).in(0, 0, 0), topology, "b", "a"));
    }

    private static TaskSnapshot withSets(Tasks.Builder task, boolean topology, String produced, String consumed) {
        if (topology) {
            task.dataSets(produced == null ? List.of() : List.of(produced), consumed == null ? List.of() : List.of(consumed));
        }
        return task.build();
    }

    @Test
    void originIsTheFirstVertexDownstreamOfTheBackpressuredOnesThatIsNotBackpressured() {
        Diagnosis diagnosis = Diagnosis.of(demoJob(true));

        assertTrue(diagnosis.graph.topologyKnown);
        assertEquals(List.of("Source: Events", "Parse", "Enrich", "Window", "Sink: Discard"), names(diagnosis.graph.vertices));
        assertEquals("[Source: Events -> Parse, Parse -> Enrich, Enrich -> Window, Window -> Sink: Discard]",
                diagnosis.graph.edges.toString());
        assertEquals("Enrich", diagnosis.origin.name);
        assertTrue(diagnosis.reason.startsWith("Enrich is not backpressured (OK 0.00) but its input Parse is (HIGH 0.90);"
                + " it is busy 97% of the time"), diagnosis.reason);
        assertFalse(diagnosis.reason.contains("guessed"), diagnosis.reason);
    }

    @Test
    void withoutTheTopologyTheOrderIsGuessedAndSaidSo() {
        Diagnosis diagnosis = Diagnosis.of(demoJob(false));

        assertFalse(diagnosis.graph.topologyKnown);
        // sources first, then by backpressure, then by busyness; sinks last
        assertEquals(List.of("Source: Events", "Parse", "Enrich", "Window", "Sink: Discard"), names(diagnosis.graph.vertices));
        assertEquals("Enrich", diagnosis.origin.name);
        assertTrue(diagnosis.reason.endsWith(Diagnosis.GUESSED), diagnosis.reason);
    }

    @Test
    void aBranchingTopologyFindsTheSlowBranch() {
        // Source -> A -> Sink1 and Source -> B(slow) -> Sink2: the source is backpressured by B only
        List<TaskSnapshot> tasks = List.of(
                task("Source: S", 0, 1).ratio(0.8).out(1.0).dataSets(List.of("s"), List.of()).build(),
                task("A", 0, 1).ratio(0).busy(0.1).out(0.1).in(0.1, 0.1, 0.1).dataSets(List.of("a"), List.of("s")).build(),
                task("B", 0, 1).ratio(0).busy(0.99).out(0.1).in(1.0, 1.0, 1.0).dataSets(List.of("b"), List.of("s")).build(),
                task("Sink: 1", 0, 1).ratio(0).in(0, 0, 0).dataSets(List.of(), List.of("a")).build(),
                task("Sink: 2", 0, 1).ratio(0).in(0, 0, 0).dataSets(List.of(), List.of("b")).build());
        Diagnosis diagnosis = Diagnosis.of(tasks);

        // A comes first by name, and is an origin candidate by the samples; the pools say B is the slow one.
        assertEquals("A", diagnosis.origin.name);
        PoolReading toB = reading(diagnosis, "Source: S", "B");
        assertEquals(PoolReading.Verdict.MOST_OR_ALL_CHANNELS, toB.verdict);
        assertTrue(toB.receiverSlow());
        assertEquals(PoolReading.Verdict.NETWORK_BOTTLENECK, reading(diagnosis, "Source: S", "A").verdict);
    }

    @Test
    void theSeedsTablesCellByCell() {
        assertEquals(PoolReading.Verdict.FINE, verdict(0.1, 0.1, 0.1, 0.1, 0.1));
        assertEquals(PoolReading.Verdict.SOME_CHANNELS, verdict(1.0, 0.9, 0.1, 1.0, 0.3));
        assertEquals(PoolReading.Verdict.MOST_OR_ALL_CHANNELS, verdict(1.0, 1.0, 0.1, 1.0, 1.0));
        assertEquals(PoolReading.Verdict.NETWORK_BOTTLENECK, verdict(1.0, 0.2, 0.1, 0.2, 0.2));
        assertEquals(PoolReading.Verdict.INPUTS_LOCAL, verdict(1.0, 0, 0.1, 0, 0));
        assertEquals(PoolReading.Verdict.FORWARDING, verdict(1.0, 1.0, 1.0, 1.0, 1.0));
        assertEquals(PoolReading.Verdict.MAY_CAUSE, verdict(0.1, 0.9, 0.1, 0.9, 0.1));
        assertEquals(PoolReading.Verdict.TEMPORARY, verdict(0.1, 0.1, 1.0, 0.1, 0.1));
        assertEquals(PoolReading.Verdict.SLOW_RECEIVER, verdict(1.0, 0.9, 0.1, 0.5, 0.9));

        PoolReading reading = reading(1.0, 1.0, 0.1, 1.0, 0.3);
        assertEquals("inPool high, outPool low, an upstream outPool high: may exercise backpressure upstream and may be"
                + " the source of it", reading.table1);
        assertEquals("floating high + an upstream outPool high, exclusive low: backpressure on only some input channels",
                reading.table2);
    }

    @Test
    void namesTheSkewedSubtasksWhenOnlySomeAreBackpressured() {
        List<TaskSnapshot> tasks = List.of(
                task("Source: S", 0, 2).ratio(1.0).out(1.0).build(),
                task("Source: S", 1, 2).ratio(0.0).out(0.1).build(),
                task("Map", 0, 2).ratio(0).busy(0.95).build(),
                task("Map", 1, 2).ratio(0).busy(0.2).build());
        Diagnosis diagnosis = Diagnosis.of(tasks);

        assertEquals(List.of("Source: S: only 1/2 (HIGH 1.00) backpressured, 2/2 (OK 0.00) not: skew (data or resources)"
                + " on the backpressured one"), diagnosis.skew);
        assertEquals("Map", diagnosis.origin.name);
        assertTrue(diagnosis.reason.contains("busy 95% of the time (subtask 1/2; 2/2 only 20%: skewed load)"),
                diagnosis.reason);
    }

    @Test
    void noOriginWithoutBackpressureOrWhenItsDownstreamIsElsewhere() {
        Diagnosis calm = Diagnosis.of(List.of(task("Source: S", 0, 1).build(), task("Sink: K", 0, 1).build()));
        assertNull(calm.origin);
        assertEquals("no vertex is backpressured", calm.reason);

        Diagnosis elsewhere = Diagnosis.of(List.of(
                task("Source: S", 0, 1).ratio(1.0).out(1.0).dataSets(List.of("s"), List.of()).build(),
                task("Map", 0, 1).ratio(0.9).out(1.0).dataSets(List.of("m"), List.of("s")).build()));
        assertNull(elsewhere.origin);
        assertEquals("Map is backpressured and what it feeds runs in another JVM (TaskManager): run chokepoint there",
                elsewhere.reason);

        assertEquals("no Flink subtasks found in this JVM", Diagnosis.of(List.of()).reason);
    }

    private static PoolReading.Verdict verdict(double upOut, double in, double out, double floating, double exclusive) {
        return reading(upOut, in, out, floating, exclusive).verdict;
    }

    private static PoolReading reading(double upOut, double in, double out, double floating, double exclusive) {
        Diagnosis diagnosis = Diagnosis.of(List.of(
                task("Source: S", 0, 1).ratio(0.9).out(upOut).dataSets(List.of("s"), List.of()).build(),
                task("R", 0, 1).out(out).in(in, floating, exclusive).dataSets(List.of(), List.of("s")).build()));
        return reading(diagnosis, "Source: S", "R");
    }

    private static PoolReading reading(Diagnosis diagnosis, String up, String down) {
        return diagnosis.readings.stream()
                .filter(r -> r.edge.upstream.name.equals(up) && r.edge.downstream.name.equals(down))
                .findFirst().orElseThrow();
    }

    private static List<String> names(List<Vertex> vertices) {
        return vertices.stream().map(v -> v.name).collect(Collectors.toList());
    }
}

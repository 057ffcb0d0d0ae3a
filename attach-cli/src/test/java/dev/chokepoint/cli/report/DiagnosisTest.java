package dev.chokepoint.cli.report;

import dev.chokepoint.api.Cause;
import dev.chokepoint.cli.jmx.AgentSettings;
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

        // A comes first by name and is an origin candidate by the samples; the pools (and B's busy time) say
        // B is the slow one, and A, idle, is no origin.
        assertEquals("B", diagnosis.origin.name);
        assertEquals(List.of("B"), diagnosis.origins.stream().map(o -> o.vertex.name).collect(Collectors.toList()));
        PoolReading toB = reading(diagnosis, "Source: S", "B");
        assertEquals(PoolReading.Verdict.MOST_OR_ALL_CHANNELS, toB.verdict);
        assertTrue(toB.receiverSlow());
        assertEquals(PoolReading.Verdict.NETWORK_BOTTLENECK, reading(diagnosis, "Source: S", "A").verdict);
    }

    /** parse -> {alpha, zulu}: all channels local (a MiniCluster), so the input pools read 0 and only the busy time tells. */
    private static List<TaskSnapshot> fanOut(double alphaBusy, double zuluBusy, double alphaRatio) {
        return List.of(
                task("Source: S", 0, 1).ratio(0.9).out(1.0).dataSets(List.of("s"), List.of()).build(),
                task("Parse", 0, 1).ratio(0.9).busy(0.05).out(1.0).in(0, 0, 0).dataSets(List.of("p"), List.of("s")).build(),
                task("Sink: alpha", 0, 1).ratio(alphaRatio).busy(alphaBusy).in(0, 0, 0).dataSets(List.of(), List.of("p")).build(),
                task("Sink: zulu", 0, 1).ratio(0).busy(zuluBusy).in(0, 0, 0).dataSets(List.of(), List.of("p")).build());
    }

    @Test
    void aFanOutsOriginIsTheSlowBranchNotTheFirstByName() {
        Diagnosis diagnosis = Diagnosis.of(fanOut(0.02, 0.97, 0));

        assertEquals(List.of("Sink: zulu"), diagnosis.origins.stream().map(o -> o.vertex.name).collect(Collectors.toList()));
        assertEquals("Sink: zulu", diagnosis.origin.name);
        assertTrue(diagnosis.reason.startsWith("Sink: zulu is not backpressured"), diagnosis.reason);
    }

    @Test
    void twoSlowBranchesAreTwoOrigins() {
        Diagnosis diagnosis = Diagnosis.of(fanOut(0.95, 0.97, 0));

        assertEquals(List.of("Sink: alpha", "Sink: zulu"),
                diagnosis.origins.stream().map(o -> o.vertex.name).collect(Collectors.toList()));
        assertEquals(Cause.CPU, diagnosis.origins.get(1).cause);
    }

    @Test
    void noBranchBusyTheBusiestIsTheBestGuess() {
        Diagnosis diagnosis = Diagnosis.of(fanOut(0.10, 0.30, 0));

        assertEquals(List.of("Sink: zulu"), diagnosis.origins.stream().map(o -> o.vertex.name).collect(Collectors.toList()));
    }

    @Test
    void aFastBranchNextToABackpressuredOneIsNoOrigin() {
        // parse -> {alpha (fast), zulu -> slow}: zulu is backpressured by its own downstream, which is the origin
        List<TaskSnapshot> tasks = List.of(
                task("Source: S", 0, 1).ratio(0.9).out(1.0).dataSets(List.of("s"), List.of()).build(),
                task("Parse", 0, 1).ratio(0.9).busy(0.05).out(1.0).in(0, 0, 0).dataSets(List.of("p"), List.of("s")).build(),
                task("alpha", 0, 1).ratio(0).busy(0.02).in(0, 0, 0).dataSets(List.of(), List.of("p")).build(),
                task("zulu", 0, 1).ratio(0.9).busy(0.05).out(1.0).in(0, 0, 0).dataSets(List.of("z"), List.of("p")).build(),
                task("Sink: slow", 0, 1).ratio(0).busy(0.99).in(0, 0, 0).dataSets(List.of(), List.of("z")).build());
        Diagnosis diagnosis = Diagnosis.of(tasks);

        assertEquals(List.of("Sink: slow"), diagnosis.origins.stream().map(o -> o.vertex.name).collect(Collectors.toList()));
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

    /** A backpressured source feeding {@code origin}'s subtasks over result partition s. */
    private static Diagnosis withBackpressuredSource(Tasks.Builder... origin) {
        List<TaskSnapshot> tasks = new java.util.ArrayList<>();
        tasks.add(task("Source: S", 0, 1).ratio(1.0).out(1.0).dataSets(List.of("s"), List.of()).build());
        for (Tasks.Builder subtask : origin) {
            tasks.add(subtask.dataSets(List.of(), List.of("s")).build());
        }
        return Diagnosis.of(tasks);
    }

    @Test
    void cpuTheBusiestSubtasksCausesSummedWithTheHotFrameOfTheBusiestOne() {
        Diagnosis diagnosis = withBackpressuredSource(
                task("Enrich", 0, 3).causes(0.97, 0, 0, 0, 0, 0, 0.03)
                        .hotFrames("dev.x.Enrich.map 91%", "dev.x.Enrich.hash 6%"),
                task("Enrich", 1, 3).causes(0.85, 0, 0, 0, 0, 0, 0.05).hotFrames("dev.x.Enrich.hash 50%"),
                // not a bottleneck subtask (busy < 0.5): its lock time does not count
                task("Enrich", 2, 3).causes(0, 0, 0.45, 0, 0, 0, 0));

        assertEquals("Enrich", diagnosis.origin.name);
        assertEquals(Cause.CPU, diagnosis.cause);
        assertEquals(List.of("busy 95%: CPU 91% (dev.x.Enrich.map 91% of busy samples)",
                "hot frames of subtask 0: dev.x.Enrich.map 91%, dev.x.Enrich.hash 6%"), diagnosis.evidence);
        assertEquals(List.of(0, 1), diagnosis.bottleneckSubtasks);
        assertEquals(Cause.CPU.advice(), diagnosis.advice());
        assertTrue(diagnosis.reason.startsWith("Enrich is not backpressured (OK 0.00) but its input Source: S is"
                + " (HIGH 1.00); it is busy 100% of the time"), diagnosis.reason);
    }

    @Test
    void lockNamesTheLockAndItsOwner() {
        Diagnosis diagnosis = withBackpressuredSource(
                task("Locked", 0, 2).causes(0.05, 0, 0.9, 0, 0, 0, 0),
                task("Locked", 1, 2).causes(0.05, 0, 0.8, 0, 0, 0, 0).lock("java.lang.Object", "cache-refresher"));

        assertEquals(Cause.LOCK, diagnosis.cause);
        assertEquals(List.of("busy 90%: LOCK 85%", "blocked on java.lang.Object held by 'cache-refresher'"),
                diagnosis.evidence);
        assertEquals(List.of(0, 1), diagnosis.bottleneckSubtasks);
        assertEquals(Cause.LOCK.advice(), diagnosis.advice());

        Diagnosis unseen = withBackpressuredSource(task("Locked", 0, 1).causes(0.05, 0, 0.9, 0, 0, 0, 0));
        assertEquals(List.of("busy 95%: LOCK 90%", "blocked on a lock whose owner the samples did not see"),
                unseen.evidence);
    }

    @Test
    void externalWaitInAsyncIoSaysTheServiceIsTheLimit() {
        Diagnosis async = withBackpressuredSource(task("AsyncCall", 0, 1).causes(0.01, 0, 0, 0, 0, 0.95, 0)
                .hotFrames("org.apache.flink.streaming.api.operators.async.AsyncWaitOperator.processElement 80%"));

        assertEquals(Cause.EXTERNAL_WAIT, async.cause);
        assertEquals(List.of("busy 96%: EXTERNAL_WAIT 95%",
                "async I/O queue full (AsyncWaitOperator): the service it calls is the limit"), async.evidence);
        assertEquals(List.of(0), async.bottleneckSubtasks);
        assertEquals(Cause.EXTERNAL_WAIT.advice(), async.advice());

        Diagnosis queue = withBackpressuredSource(task("Sink: Queue", 0, 1).causes(0.01, 0, 0, 0, 0, 0.95, 0)
                .hotFrames("dev.x.QueueSink.invoke 70%"));
        assertEquals(List.of("busy 96%: EXTERNAL_WAIT 95%",
                "waiting for another thread or system 95% (top frame dev.x.QueueSink.invoke 70%)"), queue.evidence);
    }

    @Test
    void ioSleepAndGcEachWithTheirEvidence() {
        Diagnosis io = withBackpressuredSource(task("Socket", 0, 1).causes(0.05, 0, 0, 0.9, 0, 0, 0)
                .hotFrames("dev.x.Lookup.call 88%"));
        assertEquals(Cause.IO, io.cause);
        assertEquals(List.of("busy 95%: IO 90%",
                "running but off the CPU 90% (socket or file I/O) (top frame dev.x.Lookup.call 88%)"), io.evidence);

        Diagnosis sleep = withBackpressuredSource(task("Sleep", 0, 1).causes(0.02, 0, 0, 0, 0.95, 0, 0)
                .hotFrames("dev.x.Throttle.map 97%"));
        assertEquals(Cause.SLEEP, sleep.cause);
        assertEquals(List.of("busy 97%: SLEEP 95%", "Thread.sleep 95% (top frame dev.x.Throttle.map 97%)"),
                sleep.evidence);

        Diagnosis gc = withBackpressuredSource(task("Allocate", 0, 1).causes(0.3, 0.6, 0, 0, 0, 0, 0.05));
        assertEquals(Cause.GC, gc.cause);
        assertEquals(List.of("busy 95%: GC 60%", "GC pauses 60% of the time (JVM-wide)"), gc.evidence);
        assertEquals(Cause.GC.advice(), gc.advice());
    }

    @Test
    void skewNamesTheBusySubtasksWithTheirShareOfTheRecords() {
        Diagnosis diagnosis = withBackpressuredSource(
                task("Skewed", 0, 2).causes(1.0, 0, 0, 0, 0, 0, 0).recordsIn(880).hotFrames("dev.x.Hot.map 90%"),
                task("Skewed", 1, 2).causes(0.04, 0, 0, 0, 0, 0, 0).recordsIn(120));

        assertEquals(Cause.SKEW, diagnosis.cause);
        assertEquals(List.of("subtask 0 busy 100% with 88% of records, subtask 1 busy 4% with 12% of records",
                "subtask 0: busy 100%: CPU 100% (dev.x.Hot.map 90% of busy samples)"), diagnosis.evidence);
        assertEquals(List.of(0), diagnosis.bottleneckSubtasks);
        assertEquals(Cause.SKEW.advice(), diagnosis.advice());

        Diagnosis unknownRecords = withBackpressuredSource(
                task("Skewed", 0, 2).causes(1.0, 0, 0, 0, 0, 0, 0).recordsIn(880),
                task("Skewed", 1, 2).causes(0.04, 0, 0, 0, 0, 0, 0));
        assertEquals(Cause.SKEW, unknownRecords.cause);
        assertEquals("subtask 0 busy 100%, subtask 1 busy 4%", unknownRecords.evidence.get(0),
                "a RecordsIn of -1: no shares");

        // busy 0.5 against 0.04: uneven, but not a subtask that is busy >= 0.8; the busier one is the bottleneck
        Diagnosis uneven = withBackpressuredSource(
                task("Skewed", 0, 2).causes(0.5, 0, 0, 0, 0, 0, 0),
                task("Skewed", 1, 2).causes(0.04, 0, 0, 0, 0, 0, 0));
        assertEquals(Cause.CPU, uneven.cause);
        assertEquals(List.of(0), uneven.bottleneckSubtasks);
    }

    @Test
    void networkWhenTheTablesSaySoAndTheOriginReadsRemoteChannels() {
        Diagnosis network = withBackpressuredSource(task("R", 0, 1).causes(0.2, 0, 0, 0, 0, 0, 0).out(0.1)
                .in(0.2, 0.2, 0.2).remoteChannels(4));

        assertEquals(PoolReading.Verdict.NETWORK_BOTTLENECK, reading(network, "Source: S", "R").verdict);
        assertEquals(Cause.NETWORK, network.cause);
        assertEquals(List.of("Source: S -> R: potential network bottleneck (Source: S outPool 100%; R inPool 20%,"
                + " floating 20%, exclusive 20%, outPool 10%)", "subtask 0 reads 4 remote input channels"),
                network.evidence);
        assertEquals(List.of(0), network.bottleneckSubtasks);
        assertEquals(Cause.NETWORK.advice(), network.advice());

        Diagnosis local = withBackpressuredSource(task("R", 0, 1).causes(0.2, 0, 0, 0, 0, 0, 0).out(0.1)
                .in(0.2, 0.2, 0.2).remoteChannels(0));
        assertEquals(PoolReading.Verdict.NETWORK_BOTTLENECK, reading(local, "Source: S", "R").verdict);
        assertEquals(Cause.CPU, local.cause, "no remote channel: not the network");
    }

    @Test
    void unknownUntilTheWindowIsFullOrWithoutBusyTime() {
        List<TaskSnapshot> warming = List.of(
                task("Source: S", 0, 1).ratio(1.0).out(1.0).samples(37).build(),
                task("Map", 0, 1).causes(0.9, 0, 0, 0, 0, 0, 0.05).samples(37).build());
        Diagnosis diagnosis = new Snapshot(42, "0.1.0-test", 1700000000000L, AgentSettings.DEFAULTS, warming).diagnosis;

        assertEquals("Map", diagnosis.origin.name);
        assertEquals(Cause.UNKNOWN, diagnosis.cause);
        assertEquals(List.of("the window is not full yet (warming up): busy 95% so far, CPU 90% (provisional)"),
                diagnosis.evidence);
        assertEquals(List.of(0), diagnosis.bottleneckSubtasks);
        assertEquals(Cause.UNKNOWN.advice(), diagnosis.advice());
        assertEquals(Cause.CPU, Diagnosis.of(warming, true).cause);

        Diagnosis idle = withBackpressuredSource(task("Map", 0, 1).causes(0, 0, 0, 0, 0, 0, 0));
        assertEquals(Cause.UNKNOWN, idle.cause);
        assertEquals(List.of("busy 0%: no busy samples to tell why"), idle.evidence);
    }

    @Test
    void noOriginNoCause() {
        Diagnosis calm = Diagnosis.of(List.of(task("Source: S", 0, 1).build(), task("Sink: K", 0, 1).build()));
        assertNull(calm.cause);
        assertEquals(List.of(), calm.evidence);
        assertEquals(List.of(), calm.bottleneckSubtasks);
        assertEquals("", calm.advice());
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

package dev.chokepoint.agent.aggregate;

import dev.chokepoint.agent.classify.SampleKind;
import dev.chokepoint.agent.classify.ThreadState;
import dev.chokepoint.api.Cause;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BusyCausesTest {

    private static final double EPSILON = 1e-9;

    @Test
    void theCausesAddUpToTheBusyShare() {
        SampleWindow window = new SampleWindow(100);
        record(window, SampleKind.IDLE, ThreadState.WAITING_FOR_WORK, 20);
        record(window, SampleKind.BUSY, ThreadState.RUNNING, 40);
        record(window, SampleKind.BUSY, ThreadState.LOCKED, 10);
        record(window, SampleKind.BUSY, ThreadState.SLEEPING, 10);
        record(window, SampleKind.BUSY, ThreadState.WAITING_EXTERNAL, 15);
        record(window, SampleKind.BUSY, ThreadState.BUSY_OTHER, 5);
        BusyCauses causes = BusyCauses.of(window.snapshot(), window.busySnapshot(), 0.30, 0.10);
        assertEquals(0.80, causes.busy, EPSILON);
        assertEquals(0.80 * 0.10, causes.gc, EPSILON, "the paused share of the busy time");
        assertEquals(0.30, causes.cpu, EPSILON, "the CPU time, within the running share");
        assertEquals(0.40 * 0.9 - 0.30, causes.io, EPSILON, "running but off the CPU");
        assertEquals(0.10 * 0.9, causes.lock, EPSILON);
        assertEquals(0.10 * 0.9, causes.sleep, EPSILON);
        assertEquals(0.15 * 0.9, causes.external, EPSILON);
        assertEquals(0.05 * 0.9, causes.other, EPSILON);
        double sum = causes.cpu + causes.gc + causes.lock + causes.io + causes.sleep + causes.external + causes.other;
        assertEquals(causes.busy, sum, EPSILON);
    }

    @Test
    void moreCpuTimeThanRunningSamplesIsCappedAndUnknownCpuCountsAsCpu() {
        SampleWindow window = new SampleWindow(10);
        record(window, SampleKind.BUSY, ThreadState.RUNNING, 5);
        record(window, SampleKind.HARD, ThreadState.IN_BUFFER_REQUEST, 5);
        BusyCauses capped = BusyCauses.of(window.snapshot(), window.busySnapshot(), 0.9, 0.0);
        assertEquals(0.5, capped.cpu, EPSILON);
        assertEquals(0.0, capped.io, EPSILON);
        BusyCauses unknown = BusyCauses.of(window.snapshot(), window.busySnapshot(), Double.NaN, 0.0);
        assertEquals(0.5, unknown.cpu, EPSILON);
    }

    @Test
    void runnableOffTheCpuIsIoOnlyAsFarAsTheThreadWasSeenInNativeIo() {
        SampleWindow window = new SampleWindow(10);
        record(window, SampleKind.BUSY, ThreadState.RUNNING, 10);
        BusyCauses waitingForACore = BusyCauses.of(window.snapshot(), window.busySnapshot(), 0.4, 0.0, 0.0);
        assertEquals(1.0, waitingForACore.cpu, EPSILON, "runnable in user code, off the CPU: waiting for a core");
        assertEquals(0.0, waitingForACore.io, EPSILON);
        BusyCauses half = BusyCauses.of(window.snapshot(), window.busySnapshot(), 0.4, 0.0, 0.5);
        assertEquals(0.3, half.io, EPSILON);
        assertEquals(0.7, half.cpu, EPSILON);
    }

    @Test
    void theDominantCauseIsTheLargestAndNoneWhenNotBusy() {
        SampleWindow window = new SampleWindow(10);
        record(window, SampleKind.BUSY, ThreadState.RUNNING, 9);
        record(window, SampleKind.IDLE, ThreadState.WAITING_FOR_WORK, 1);
        assertEquals(Cause.IO, BusyCauses.of(window.snapshot(), window.busySnapshot(), 0.01, 0.0).dominant(0.1));
        assertEquals(Cause.CPU, BusyCauses.of(window.snapshot(), window.busySnapshot(), 0.85, 0.0).dominant(0.1));
        assertEquals(Cause.GC, BusyCauses.of(window.snapshot(), window.busySnapshot(), 0.3, 0.6).dominant(0.1));
        SampleWindow idle = new SampleWindow(10);
        record(idle, SampleKind.IDLE, ThreadState.WAITING_FOR_WORK, 10);
        assertEquals(Cause.NONE, BusyCauses.of(idle.snapshot(), idle.busySnapshot(), 0.0, 0.0).dominant(0.1));
        assertEquals(Cause.NONE, BusyCauses.of(0L, 0L, Double.NaN, 0.0).dominant(0.1));
    }

    @Test
    void aRingForgetsTheCausesOfTheSamplesItDrops() {
        SampleWindow window = new SampleWindow(4);
        record(window, SampleKind.BUSY, ThreadState.LOCKED, 4);
        record(window, SampleKind.BUSY, ThreadState.SLEEPING, 4);
        assertEquals(0, SampleWindow.busyCount(window.busySnapshot(), 0));
        assertEquals(4, SampleWindow.busyCount(window.busySnapshot(), 1));
    }

    private static void record(SampleWindow window, SampleKind kind, ThreadState state, int times) {
        for (int i = 0; i < times; i++) {
            window.record(kind, state);
        }
    }
}

package dev.chokepoint.bench;

import dev.chokepoint.bench.VmOperationLog.Operation;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Attribution of the operations of real captured logs (see {@link VmOperationLogTest}) to tick windows. */
class TickPausesTest {

    @Test
    void safepointsOfOneTickWindowsAreSummedAndGcIsListedApart() throws IOException {
        List<Operation> ops = VmOperationLogTest.read("jdk17-tick-cost.log");
        long[] boundaries = {12_035_000_000_000L, 12_035_150_000_000L, 12_035_500_000_000L, 12_035_800_000_000L,
                12_036_100_000_000L};
        int[] ticks = {1, 1, 2, 1};

        TickPauses p = TickPauses.attribute(ops, boundaries, ticks);

        assertEquals(3, p.ticks);
        assertEquals(1, p.dropped, "the window of two ticks");
        // window 1: ICBufferFull, G1CollectForAllocation (not counted) and one ThreadDump (Total 698812 ns,
        // Reaching 89503 ns); window 2: two ThreadDumps; window 4: five. The Deoptimize handshakes come earlier.
        assertEquals(Map.of("safepoint ThreadDump", 8), p.counted);
        assertEquals(Map.of("safepoint G1CollectForAllocation", 1, "safepoint ICBufferFull", 1), p.notCounted);
        assertEquals(2, p.safepoints.median());
        assertEquals(5, p.safepoints.max());
        assertEquals(1, p.safepoints.at(0));
        assertEquals(698.812, p.stoppedMicros.at(0), 1e-9);
        assertEquals((17_433_192 + 113_162_721) / 1000.0, p.stoppedMicros.max(), 1e-9);
        assertEquals((3_801_039 + 4_261_516 + 3_006_424 + 2_833_155 + 2_912_514) / 1000.0, p.stoppedMicros.median(), 1e-9);
        assertEquals(89.503, p.reachMicros.at(0), 1e-9);
        assertEquals(698.812 - 89.503, p.atMicros.at(0), 1e-9);
        assertEquals(0, p.handshakes.max());
        assertEquals(0, p.handshakeTargetMicros.max());
    }

    @Test
    void handshakesCountPerTickAndTheLongestHoldOfOneTarget() throws IOException {
        List<Operation> ops = VmOperationLogTest.read("jdk25-probe.log");
        // the eight getStackTrace() handshakes, then each getThreadInfo safepoint in a window of its own
        long[] boundaries = {11_876_150_000_000L, 11_876_300_000_000L, 11_876_500_000_000L, 11_876_700_000_000L};

        TickPauses p = TickPauses.attribute(ops, boundaries, new int[] {1, 1, 1});

        assertEquals(Map.of("handshake GetStackTraceClosure", 8, "safepoint ThreadDump", 2), p.counted);
        assertEquals(8, p.handshakes.max());
        assertEquals(0, p.handshakes.median());
        assertEquals(7.912, p.handshakeTargetMicros.max(), 1e-9, "the longest of the eight 'completed in'");
        assertEquals(0, p.safepoints.at(0));
        assertEquals(1, p.safepoints.max());
        assertEquals(247.920, p.stoppedMicros.max(), 1e-9);
    }

    @Test
    void housekeepingHandshakesAndTheirTasksAreNotCounted() throws IOException {
        List<Operation> ops = VmOperationLogTest.read("jdk17-tick-cost.log");
        // HandshakeForDeflation: ends 12093595145083, took 2056738 ns; its tasks end just before
        TickPauses p = TickPauses.attribute(ops, new long[] {12_093_590_000_000L, 12_093_596_000_000L}, new int[] {1});

        assertEquals(Map.of(), p.counted);
        assertEquals(Map.of("handshake HandshakeForDeflation", 1), p.notCounted);
        assertEquals(0, p.handshakes.max());
        assertEquals(0, p.handshakeTargetMicros.max());
    }

    @Test
    void anOperationStartingOnABoundaryBelongsToTheLaterWindow() throws IOException {
        List<Operation> ops = VmOperationLogTest.read("jdk17-tick-cost.log");
        long start = 12_035_141_408_859L - 698_812; // the first ThreadDump's start
        TickPauses p = TickPauses.attribute(ops, new long[] {start - 10, start, start + 10}, new int[] {1, 1});

        assertEquals(0, p.safepoints.at(0));
        assertEquals(1, p.safepoints.max());
        assertEquals(Map.of("safepoint ThreadDump", 1), p.counted);
    }

    @Test
    void windowsMustBeConsistent() {
        assertThrows(IllegalArgumentException.class, () -> TickPauses.attribute(List.of(), new long[] {1, 2}, new int[] {1, 1}));
        assertThrows(IllegalArgumentException.class, () -> TickPauses.attribute(List.of(), new long[] {2, 2}, new int[] {1}));
    }

    @Test
    void samplingOperationsAreTheStackWalks() {
        assertTrue(TickPauses.isSampling("ThreadDump"));
        assertTrue(TickPauses.isSampling("GetStackTraceClosure"));
        assertFalse(TickPauses.isSampling("G1CollectForAllocation"));
        assertFalse(TickPauses.isSampling("Cleanup"));
        assertFalse(TickPauses.isSampling("Deoptimize"));
        assertFalse(TickPauses.isSampling("HandshakeForDeflation"));
    }
}

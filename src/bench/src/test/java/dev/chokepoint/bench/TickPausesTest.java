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
        long[] from = {12_035_000_000_000L, 12_035_150_000_000L, 12_035_500_000_000L, 12_035_800_000_000L};
        long[] to = {12_035_150_000_000L, 12_035_500_000_000L, 12_035_800_000_000L, 12_036_100_000_000L};
        int[] ticks = {1, 1, 2, 1};

        TickPauses p = TickPauses.attribute(ops, from, to, ticks);

        assertEquals(3, p.ticks);
        assertEquals(1, p.dropped, "the window of two ticks");
        assertEquals(4, p.unattributed, "its four ThreadDumps");
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
        long[] from = {11_876_150_000_000L, 11_876_300_000_000L, 11_876_500_000_000L};
        long[] to = {11_876_300_000_000L, 11_876_500_000_000L, 11_876_700_000_000L};

        TickPauses p = TickPauses.attribute(ops, from, to, new int[] {1, 1, 1});

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
        TickPauses p = TickPauses.attribute(ops, new long[] {12_093_590_000_000L}, new long[] {12_093_596_000_000L},
                new int[] {1});

        assertEquals(Map.of(), p.counted);
        assertEquals(Map.of("handshake HandshakeForDeflation", 1), p.notCounted);
        assertEquals(0, p.handshakes.max());
        assertEquals(0, p.handshakeTargetMicros.max());
        assertEquals(0, p.unattributed);
    }

    @Test
    void operationsBetweenWindowsAreUnattributedAndThoseOutsideThePhaseIgnored() throws IOException {
        List<Operation> ops = VmOperationLogTest.read("jdk17-tick-cost.log");
        // ThreadDumps start at 12035140710047 (1st), 12035158738185 (2nd), 12035369705671 (3rd), later ones after
        // 12035600000000; the window holds the 1st, the gap the 2nd and 3rd; the phase ends before the 4th.
        TickPauses p = TickPauses.attribute(ops, new long[] {12_035_140_000_000L, 12_035_500_000_000L},
                new long[] {12_035_150_000_000L, 12_035_600_000_000L}, new int[] {1, 1});

        assertEquals(Map.of("safepoint ThreadDump", 1), p.counted);
        assertEquals(2, p.unattributed);
        assertEquals(2, p.ticks);
        assertEquals(0, p.safepoints.at(0));
    }

    @Test
    void anOperationStartingOnABoundaryBelongsToTheLaterWindow() throws IOException {
        List<Operation> ops = VmOperationLogTest.read("jdk17-tick-cost.log");
        long start = 12_035_141_408_859L - 698_812; // the first ThreadDump's start
        TickPauses p = TickPauses.attribute(ops, new long[] {start - 10, start}, new long[] {start, start + 10},
                new int[] {1, 1});

        assertEquals(0, p.safepoints.at(0));
        assertEquals(1, p.safepoints.max());
        assertEquals(Map.of("safepoint ThreadDump", 1), p.counted);
    }

    @Test
    void windowsMustBeConsistent() {
        assertThrows(IllegalArgumentException.class,
                () -> TickPauses.attribute(List.of(), new long[] {1, 2}, new long[] {2, 3}, new int[] {1}));
        assertThrows(IllegalArgumentException.class,
                () -> TickPauses.attribute(List.of(), new long[] {2}, new long[] {2}, new int[] {1}), "empty");
        assertThrows(IllegalArgumentException.class,
                () -> TickPauses.attribute(List.of(), new long[] {1, 2}, new long[] {3, 4}, new int[] {1, 1}), "overlapping");
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

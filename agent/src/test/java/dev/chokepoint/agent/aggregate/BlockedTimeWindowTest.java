package dev.chokepoint.agent.aggregate;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BlockedTimeWindowTest {

    private static final long MS = 1_000_000L;

    /** One tick: its length to the shared lengths first, then the window's blocked time, as the registry does. */
    private static void tick(TickLengths lengths, BlockedTimeWindow window, long blockedNanos, long elapsedNanos) {
        lengths.add(elapsedNanos);
        window.record(blockedNanos);
    }

    @Test
    void ratePerSecondOverTheWindowsTicks() {
        TickLengths lengths = new TickLengths(4);
        BlockedTimeWindow window = new BlockedTimeWindow(4, lengths);
        assertEquals(0.0, window.msPerSecond());
        tick(lengths, window, 25 * MS, 50 * MS);
        tick(lengths, window, 50 * MS, 50 * MS);
        assertEquals(750.0, window.msPerSecond(), 1e-9);
        tick(lengths, window, 0, 100 * MS); // a late tick weighs by its length
        assertEquals(375.0, window.msPerSecond(), 1e-9);
        tick(lengths, window, 0, 50 * MS);
        tick(lengths, window, 0, 50 * MS); // slides the first tick out
        assertEquals(50.0 * 1000 / 250, window.msPerSecond(), 1e-9);
    }

    @Test
    void neverAboveOneSecondPerSecond() {
        TickLengths lengths = new TickLengths(2);
        BlockedTimeWindow window = new BlockedTimeWindow(2, lengths);
        tick(lengths, window, 120 * MS, 50 * MS); // two threads of a subtask blocked at once
        assertEquals(1000.0, window.msPerSecond());
    }

    @Test
    void sharedLengthsCountOnlyTheTicksOfEachWindow() {
        TickLengths lengths = new TickLengths(3);
        BlockedTimeWindow early = new BlockedTimeWindow(3, lengths);
        lengths.add(100 * MS);
        early.record(0);
        BlockedTimeWindow late = new BlockedTimeWindow(3, lengths); // a subtask that appears at the second tick
        lengths.add(50 * MS);
        early.record(0);
        late.record(25 * MS);
        assertEquals(0.0, early.msPerSecond());
        assertEquals(500.0, late.msPerSecond(), 1e-9);
        lengths.add(50 * MS);
        early.record(20 * MS); // after ticks with nothing blocked, over all three ticks
        late.record(0);
        assertEquals(20.0 * 1000 / 200, early.msPerSecond(), 1e-9);
        assertEquals(250.0, late.msPerSecond(), 1e-9);
        lengths.add(100 * MS);
        early.record(0); // slides the first tick out
        late.record(0);
        assertEquals(20.0 * 1000 / 200, early.msPerSecond(), 1e-9);
        assertEquals(25.0 * 1000 / 200, late.msPerSecond(), 1e-9);
        for (int i = 0; i < 3; i++) {
            lengths.add(50 * MS);
            early.record(0);
        }
        assertEquals(0.0, early.msPerSecond());
    }
}

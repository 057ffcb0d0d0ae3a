package dev.chokepoint.agent.aggregate;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockedTimeWindowTest {

    private static final long MS = 1_000_000L;

    /** A window with the tick count its subtask keeps, which leaves out the quiet ticks the window allows. */
    private static final class Subtask {
        final BlockedTimeWindow window;
        int ticks;
        boolean blockedInWindow;
        int recorded;

        Subtask(int size, TickLengths lengths) {
            window = new BlockedTimeWindow(size, lengths);
        }

        /** After the tick's length went to the lengths, as the registry does. */
        void tick(long blockedNanos) {
            ticks++;
            if (blockedNanos != 0 || blockedInWindow) {
                blockedInWindow = window.record(blockedNanos);
                recorded++;
            }
        }

        double msPerSecond() {
            return window.msPerSecond(ticks);
        }
    }

    private static void tick(TickLengths lengths, Subtask subtask, long blockedNanos, long elapsedNanos) {
        lengths.add(elapsedNanos);
        subtask.tick(blockedNanos);
    }

    @Test
    void ratePerSecondOverTheWindowsTicks() {
        TickLengths lengths = new TickLengths(4);
        Subtask window = new Subtask(4, lengths);
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
        Subtask window = new Subtask(2, lengths);
        tick(lengths, window, 120 * MS, 50 * MS); // two threads of a subtask blocked at once
        assertEquals(1000.0, window.msPerSecond());
    }

    @Test
    void sharedLengthsCountOnlyTheTicksOfEachWindow() {
        TickLengths lengths = new TickLengths(3);
        Subtask early = new Subtask(3, lengths);
        lengths.add(100 * MS);
        early.tick(0);
        Subtask late = new Subtask(3, lengths); // a subtask that appears at the second tick
        lengths.add(50 * MS);
        early.tick(0);
        late.tick(25 * MS);
        assertEquals(0.0, early.msPerSecond());
        assertEquals(500.0, late.msPerSecond(), 1e-9);
        lengths.add(50 * MS);
        early.tick(20 * MS); // after ticks with nothing blocked, over all three ticks
        late.tick(0);
        assertEquals(20.0 * 1000 / 200, early.msPerSecond(), 1e-9);
        assertEquals(250.0, late.msPerSecond(), 1e-9);
        lengths.add(100 * MS);
        early.tick(0); // slides the first tick out
        late.tick(0);
        assertEquals(20.0 * 1000 / 200, early.msPerSecond(), 1e-9);
        assertEquals(25.0 * 1000 / 200, late.msPerSecond(), 1e-9);
        for (int i = 0; i < 3; i++) {
            lengths.add(50 * MS);
            early.tick(0);
        }
        assertEquals(0.0, early.msPerSecond());
    }

    @Test
    void quietTicksLeftOutStillSlideTheBlockedOnesOut() {
        TickLengths lengths = new TickLengths(3);
        Subtask subtask = new Subtask(3, lengths);
        for (int i = 0; i < 5; i++) {
            tick(lengths, subtask, 0, 50 * MS); // never blocked: the window is not written
        }
        assertEquals(0, subtask.recorded);
        tick(lengths, subtask, 30 * MS, 50 * MS); // the first blocked tick lands in any slot, all are 0
        assertEquals(200.0, subtask.msPerSecond(), 1e-9);
        tick(lengths, subtask, 0, 50 * MS);
        tick(lengths, subtask, 0, 50 * MS);
        assertTrue(subtask.blockedInWindow);
        assertEquals(200.0, subtask.msPerSecond(), 1e-9);
        tick(lengths, subtask, 0, 50 * MS); // three ticks later it is out, and the window quiet again
        assertFalse(subtask.blockedInWindow);
        assertEquals(0.0, subtask.msPerSecond());
        int recorded = subtask.recorded;
        tick(lengths, subtask, 0, 50 * MS);
        assertEquals(recorded, subtask.recorded);
        tick(lengths, subtask, 15 * MS, 50 * MS);
        tick(lengths, subtask, 45 * MS, 50 * MS);
        assertEquals(60.0 * 1000 / 150, subtask.msPerSecond(), 1e-9);
    }
}

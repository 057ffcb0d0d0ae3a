package dev.chokepoint.agent.aggregate;

import dev.chokepoint.agent.classify.SampleKind;
import dev.chokepoint.agent.classify.ThreadState;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SampleWindowTest {

    @Test
    void countsEachKindUntilFullThenSlides() {
        SampleWindow window = new SampleWindow(4);
        assertEquals(0.0, SampleWindow.backPressureRatio(window.snapshot()));
        window.record(SampleKind.HARD);
        window.record(SampleKind.IDLE);
        assertEquals(2, SampleWindow.samples(window.snapshot()));
        assertEquals(1, SampleWindow.count(window.snapshot(), SampleKind.HARD));
        window.record(SampleKind.SOFT);
        window.record(SampleKind.BUSY);
        long full = window.snapshot();
        assertEquals(0.5, SampleWindow.backPressureRatio(full));
        assertEquals(2, SampleWindow.backPressured(full));
        assertEquals(0.25, SampleWindow.ratio(full, SampleKind.IDLE));
        assertEquals(0.25, SampleWindow.ratio(full, SampleKind.BUSY));
        window.record(SampleKind.BUSY); // pushes out the first (hard) sample
        long slid = window.snapshot();
        assertEquals(4, SampleWindow.samples(slid));
        assertEquals(0, SampleWindow.count(slid, SampleKind.HARD));
        assertEquals(2, SampleWindow.count(slid, SampleKind.BUSY));
    }

    @Test
    void countsMatchABruteForceCountOverManySlides() {
        SampleWindow window = new SampleWindow(7);
        SampleKind[] kinds = SampleKind.values();
        SampleKind[] history = new SampleKind[1000];
        for (int i = 0; i < history.length; i++) {
            history[i] = kinds[(i * 7919 + i / 3) % kinds.length];
            window.record(history[i]);
            for (SampleKind kind : kinds) {
                int expected = 0;
                for (int j = Math.max(0, i - 6); j <= i; j++) {
                    expected += history[j] == kind ? 1 : 0;
                }
                assertEquals(expected, SampleWindow.count(window.snapshot(), kind), kind + " after sample " + i);
            }
            assertEquals(Math.min(i + 1, 7), SampleWindow.samples(window.snapshot()));
        }
    }

    @Test
    void theLargestWindowPacksWithoutOverflow() {
        SampleWindow window = new SampleWindow(SampleWindow.MAX_SIZE);
        for (int i = 0; i < SampleWindow.MAX_SIZE; i++) {
            window.record(SampleKind.SOFT);
        }
        assertEquals(SampleWindow.MAX_SIZE, SampleWindow.samples(window.snapshot()));
        assertEquals(SampleWindow.MAX_SIZE, SampleWindow.count(window.snapshot(), SampleKind.SOFT));
        assertEquals(0, SampleWindow.count(window.snapshot(), SampleKind.BUSY));
        assertThrows(IllegalArgumentException.class, () -> new SampleWindow(SampleWindow.MAX_SIZE + 1));
    }

    @Test
    void theRecentRatioIsOfTheNewestSamplesOnly() {
        SampleWindow window = new SampleWindow(6);
        assertEquals(Double.NaN, window.recentBackPressureRatio(3));
        window.record(SampleKind.IDLE);
        window.record(SampleKind.HARD);
        assertEquals(0.5, window.recentBackPressureRatio(4)); // holds only 2
        for (int i = 0; i < 5; i++) {
            window.record(i % 2 == 0 ? SampleKind.SOFT : SampleKind.BUSY); // wraps: SOFT BUSY SOFT BUSY SOFT
        }
        assertEquals(1.0, window.recentBackPressureRatio(1));
        assertEquals(2.0 / 3, window.recentBackPressureRatio(3));
        assertEquals(4.0 / 6, window.recentBackPressureRatio(6)); // HARD SOFT BUSY SOFT BUSY SOFT
        assertEquals(4.0 / 6, window.recentBackPressureRatio(100));
    }

    @Test
    void aFullWindowOfOneSlotSaysSoAndIsNotChangedByMoreOfIt() {
        SampleWindow window = new SampleWindow(3);
        assertEquals(-1, window.uniformSlot());
        window.record(SampleKind.IDLE);
        window.record(SampleKind.SOFT);
        window.record(SampleKind.SOFT);
        assertEquals(-1, window.uniformSlot()); // full, but of two kinds
        assertTrue(window.record(SampleKind.SOFT, ThreadState.RUNNING)); // pushes out the idle sample
        int soft = SampleWindow.slotOf(SampleKind.SOFT, ThreadState.RUNNING);
        assertEquals(soft, window.uniformSlot());
        assertTrue(SampleWindow.backPressured(soft));
        long before = window.snapshot();
        assertFalse(window.record(SampleKind.SOFT, ThreadState.RUNNING));
        assertEquals(before, window.snapshot());
        assertTrue(window.record(SampleKind.BUSY, ThreadState.SLEEPING));
        assertEquals(-1, window.uniformSlot());
        assertEquals(1, SampleWindow.busyCount(window.busySnapshot(), 1)); // the sleeping sample, by its cause
        for (int i = 0; i < 3; i++) {
            window.record(SampleKind.BUSY, ThreadState.SLEEPING);
        }
        int sleeping = SampleWindow.slotOf(SampleKind.BUSY, ThreadState.SLEEPING);
        assertEquals(sleeping, window.uniformSlot());
        assertFalse(SampleWindow.backPressured(sleeping));
        assertEquals(0.0, window.recentBackPressureRatio(3));
    }
}

package dev.chokepoint.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class TickWindowsTest {

    @Test
    void windowsApartAreKeptAsGiven() {
        TickWindows w = new TickWindows(100);
        w.add(100, 150, 1);
        w.add(200, 260, 1);
        w.add(260, 300, 1);
        assertWindows(w.build(), new long[] {100, 200, 260}, new long[] {150, 260, 300}, new int[] {1, 1, 1});
    }

    @Test
    void aWindowReachingBeforeThePhaseStartIsCutAndDropped() {
        TickWindows w = new TickWindows(100);
        w.add(90, 150, 1);
        w.add(200, 250, 1);
        assertWindows(w.build(), new long[] {100, 200}, new long[] {150, 250}, new int[] {0, 1});
    }

    @Test
    void overlappingWindowsAreBothDropped() {
        TickWindows w = new TickWindows(0);
        w.add(100, 150, 1);
        w.add(200, 250, 1);
        w.add(240, 300, 1);
        w.add(400, 450, 1);
        assertWindows(w.build(), new long[] {100, 200, 250, 400}, new long[] {150, 250, 300, 450}, new int[] {1, 0, 0, 1});
    }

    @Test
    void anUnboundedWindowDropsThePreviousOne() {
        TickWindows w = new TickWindows(0);
        w.add(100, 150, 1);
        w.addUnbounded(220);
        w.add(300, 350, 1);
        assertWindows(w.build(), new long[] {100, 150, 300}, new long[] {150, 220, 350}, new int[] {0, 0, 1});
    }

    @Test
    void aWindowCutToNothingStillGuardsTheNextOne() {
        TickWindows w = new TickWindows(0);
        w.add(100, 150, 1);
        w.add(120, 140, 1); // wholly inside the previous one: nothing left of it
        w.add(145, 200, 1); // starts before 150
        assertWindows(w.build(), new long[] {100, 150}, new long[] {150, 200}, new int[] {0, 0});
    }

    private static void assertWindows(TickWindows.Windows windows, long[] from, long[] to, int[] ticks) {
        assertArrayEquals(from, windows.from(), "from");
        assertArrayEquals(to, windows.to(), "to");
        assertArrayEquals(ticks, windows.ticks(), "ticks");
    }
}

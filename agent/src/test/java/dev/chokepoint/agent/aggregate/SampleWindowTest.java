package dev.chokepoint.agent.aggregate;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SampleWindowTest {

    @Test
    void countsUntilFullThenSlides() {
        SampleWindow window = new SampleWindow(4);
        assertEquals(0.0, SampleWindow.ratio(window.snapshot()));
        window.record(true);
        window.record(false);
        assertEquals(2, SampleWindow.samples(window.snapshot()));
        assertEquals(1, SampleWindow.blocked(window.snapshot()));
        window.record(true);
        window.record(true);
        assertEquals(0.75, SampleWindow.ratio(window.snapshot()));
        window.record(false); // pushes out the first (blocked) sample
        assertEquals(4, SampleWindow.samples(window.snapshot()));
        assertEquals(2, SampleWindow.blocked(window.snapshot()));
        for (int i = 0; i < 4; i++) {
            window.record(false);
        }
        assertEquals(0, SampleWindow.blocked(window.snapshot()));
        for (int i = 0; i < 4; i++) {
            window.record(true);
        }
        assertEquals(1.0, SampleWindow.ratio(window.snapshot()));
    }

    @Test
    void ratioTracksABruteForceCountOverManySlides() {
        SampleWindow window = new SampleWindow(7);
        boolean[] history = new boolean[1000];
        for (int i = 0; i < history.length; i++) {
            history[i] = (i * 7919) % 3 == 0 || i % 11 == 0;
            window.record(history[i]);
            int expected = 0;
            for (int j = Math.max(0, i - 6); j <= i; j++) {
                expected += history[j] ? 1 : 0;
            }
            assertEquals(expected, SampleWindow.blocked(window.snapshot()), "after sample " + i);
            assertEquals(Math.min(i + 1, 7), SampleWindow.samples(window.snapshot()));
        }
    }
}

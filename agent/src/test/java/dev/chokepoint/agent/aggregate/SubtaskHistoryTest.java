package dev.chokepoint.agent.aggregate;

import dev.chokepoint.api.BackPressureLevel;
import dev.chokepoint.api.Episode;
import dev.chokepoint.api.Persistence;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SubtaskHistoryTest {

    private static final long STEP = 1000;
    private static final long T0 = 1_700_000_000_000L;

    private static void feed(SubtaskHistory history, String pattern, long firstEnd) {
        for (int i = 0; i < pattern.length(); i++) {
            double ratio = pattern.charAt(i) == 'H' ? 1.0 : 0.0;
            history.record(firstEnd + i * STEP, ratio, BackPressureLevel.of(ratio, 0.1, 0.5), null);
        }
    }

    @Test
    void burstsAreTemporaryASteadyBottleneckPersistentAndIdleNone() {
        SubtaskHistory bursts = new SubtaskHistory(60, STEP);
        // 8 s slow out of every 25 s, three times
        String cycle = "HHHHHHHH.................";
        feed(bursts, cycle + cycle + cycle, T0);
        assertEquals(Persistence.TEMPORARY, bursts.persistence(60_000));
        Episode[] episodes = bursts.episodes();
        // the history's 60 points reach back into the first cycle's quiet part: the last two episodes
        assertEquals(2, episodes.length);
        for (Episode e : episodes) {
            assertEquals(8 * STEP, e.getDurationMillis());
            assertEquals("HIGH", e.getPeakLevel());
        }

        SubtaskHistory steady = new SubtaskHistory(60, STEP);
        feed(steady, "HHHHHHHHHH", T0);
        assertEquals(Persistence.PERSISTENT, steady.persistence(60_000));
        assertEquals(1, steady.episodes().length);
        assertEquals(Episode.ONGOING_END, steady.episodes()[0].getEnd());

        SubtaskHistory idle = new SubtaskHistory(60, STEP);
        feed(idle, "..........", T0);
        assertEquals(Persistence.NONE, idle.persistence(60_000));
        assertEquals(0, idle.episodes().length);
        assertEquals(10, idle.ratios().length);
        assertEquals(T0 + 9 * STEP, idle.endMillis());
    }

    @Test
    void anOngoingEpisodeLongerThanTheThresholdIsPersistentThoughMostOfTheHistoryWasOk() {
        SubtaskHistory history = new SubtaskHistory(100, STEP);
        feed(history, repeat('.', 80) + repeat('H', 19), T0);
        assertEquals(Persistence.TEMPORARY, history.persistence(20_000));
        feed(history, "H", T0 + 99 * STEP);
        assertEquals(Persistence.PERSISTENT, history.persistence(20_000));
    }

    @Test
    void anEpisodeLeavesWithTheLastOfItsPoints() {
        SubtaskHistory history = new SubtaskHistory(5, STEP);
        feed(history, "HH..", T0);
        assertEquals(1, history.episodes().length);
        assertEquals(Persistence.TEMPORARY, history.persistence(60_000));
        feed(history, "...", T0 + 4 * STEP);
        assertEquals(0, history.episodes().length);
        assertEquals(Persistence.NONE, history.persistence(60_000));
    }

    @Test
    void noHistoryKeepsNothing() {
        SubtaskHistory none = new SubtaskHistory(0, STEP);
        feed(none, "HHH", T0);
        assertArrayEquals(new double[0], none.ratios());
        assertEquals(0, none.episodes().length);
        assertEquals(-1, none.endMillis());
        assertNull(none.latestEpisode());
        assertEquals(Persistence.NONE, none.persistence(1));
    }

    private static String repeat(char c, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(c);
        }
        return s.toString();
    }
}

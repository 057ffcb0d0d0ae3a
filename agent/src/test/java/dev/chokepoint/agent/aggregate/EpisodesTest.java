package dev.chokepoint.agent.aggregate;

import dev.chokepoint.api.BackPressureLevel;
import dev.chokepoint.api.Cause;
import dev.chokepoint.api.Episode;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EpisodesTest {

    private static final long STEP = 1000;
    private static final long T0 = 1_700_000_000_000L;

    /** Feeds one point per step from {@code pattern}: '.' OK (0.0), 'l' LOW (0.3), 'H' HIGH (1.0); returns the events. */
    private static String feed(Episodes episodes, String pattern, long firstEnd, Cause cause) {
        StringBuilder events = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            double ratio = c == 'H' ? 1.0 : c == 'l' ? 0.3 : 0.0;
            BackPressureLevel level = BackPressureLevel.of(ratio, 0.1, 0.5);
            long end = firstEnd + i * STEP;
            int event = episodes.add(end - STEP, end, ratio, level, cause);
            events.append(event == Episodes.STARTED ? 'S' : event == Episodes.ENDED ? 'E' : '-');
        }
        return events.toString();
    }

    @Test
    void anEpisodeSpansItsBackpressuredStepsAndEndsAfterTwoOkSteps() {
        Episodes episodes = new Episodes();
        assertNull(episodes.latest());
        // points end at T0, T0+1s, ...: HIGH from the 3rd to the 6th point
        assertEquals("--S----E--", feed(episodes, "..HHlH....", T0, Cause.CPU));
        List<Episode> all = episodes.since(0);
        assertEquals(1, all.size());
        Episode e = all.get(0);
        assertEquals(T0 + STEP, e.getStart());       // the 3rd point's step began 1 s after T0
        assertEquals(T0 + 5 * STEP, e.getEnd());     // the 6th point's step ended 5 s after T0
        assertEquals(4 * STEP, e.getDurationMillis());
        assertFalse(e.isOngoing());
        assertEquals("HIGH", e.getPeakLevel());
        assertEquals((1.0 + 1.0 + 0.3 + 1.0) / 4, e.getMeanRatio(), 1e-9);
        assertEquals("CPU", e.getCause());
        assertFalse(episodes.open());
        assertEquals(-1, episodes.openMillis());
    }

    @Test
    void aSingleOkStepDoesNotSplitAnEpisodeButCountsInItsMean() {
        Episodes episodes = new Episodes();
        assertEquals("S-----E", feed(episodes, "ll.ll..", T0, null));
        Episode e = episodes.latest();
        assertEquals(T0 - STEP, e.getStart());
        assertEquals(T0 + 4 * STEP, e.getEnd());
        assertEquals("LOW", e.getPeakLevel());
        assertEquals((0.3 * 4) / 5, e.getMeanRatio(), 1e-9);
        assertEquals("", e.getCause());
        // two OK steps do split: the lone LOW step is an episode of its own
        assertEquals("S-ES--", feed(episodes, "l..l.l", T0 + 10 * STEP, null));
        assertEquals(3, episodes.since(0).size());
    }

    @Test
    void anOngoingEpisodeHasNoEndAndALengthToItsLastBackpressuredStep() {
        Episodes episodes = new Episodes();
        feed(episodes, "..HHH.", T0, Cause.LOCK);
        assertTrue(episodes.open()); // one OK step: not over yet
        Episode e = episodes.latest();
        assertTrue(e.isOngoing());
        assertEquals(Episode.ONGOING_END, e.getEnd());
        assertEquals(3 * STEP, e.getDurationMillis());
        assertEquals(3 * STEP, episodes.openMillis());
        assertEquals("LOCK", e.getCause());
        feed(episodes, "H", T0 + 6 * STEP, Cause.LOCK);
        assertEquals(5 * STEP, episodes.openMillis());
    }

    @Test
    void theMostFrequentCauseOfTheBackpressuredStepsWins() {
        Episodes episodes = new Episodes();
        feed(episodes, "HH", T0, Cause.IO);
        feed(episodes, "HHH", T0 + 2 * STEP, Cause.GC);
        feed(episodes, "H", T0 + 5 * STEP, Cause.NONE);
        assertEquals("GC", episodes.latest().getCause());
        feed(episodes, "..", T0 + 6 * STEP, Cause.IO); // OK steps are no part of it
        assertEquals("GC", episodes.latest().getCause());
        assertFalse(episodes.latest().isOngoing());
    }

    @Test
    void keepsOnlyTheLatestEpisodesInFixedMemory() {
        Episodes episodes = new Episodes();
        StringBuilder pattern = new StringBuilder();
        for (int i = 0; i < Episodes.MAX + 10; i++) {
            pattern.append("H..");
        }
        feed(episodes, pattern.toString(), T0, null);
        List<Episode> kept = episodes.since(0);
        assertEquals(Episodes.MAX, kept.size());
        List<Long> starts = new ArrayList<>();
        for (Episode e : kept) {
            starts.add(e.getStart());
        }
        // the oldest ten are gone; the rest in order, three steps apart
        for (int i = 0; i < kept.size(); i++) {
            assertEquals(T0 - STEP + (10 + i) * 3 * STEP, (long) starts.get(i));
            assertEquals(STEP, kept.get(i).getDurationMillis());
        }
    }

    @Test
    void sinceLeavesOutEpisodesThatEndedBeforeIt() {
        Episodes episodes = new Episodes();
        feed(episodes, "H..H..H", T0, null);
        assertEquals(3, episodes.since(0).size());
        assertEquals(2, episodes.since(T0).size());            // the first ended at T0
        assertEquals(1, episodes.since(T0 + 100 * STEP).size()); // the ongoing one always
    }
}

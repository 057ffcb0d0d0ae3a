package dev.chokepoint.cli.rest;

import dev.chokepoint.api.Episode;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent's episode rule on a whole series: the cases of the agent's own {@code EpisodesTest}. */
class PointEpisodesTest {

    private static final long STEP = 1000;
    private static final long T0 = 1_700_000_000_000L;

    /** '.' OK (0.0), 'l' LOW (0.3), 'H' HIGH (1.0), '?' no reading; the first point ends at {@link #T0}. */
    private static List<Episode> of(String pattern) {
        double[] ratios = new double[pattern.length()];
        for (int i = 0; i < ratios.length; i++) {
            char c = pattern.charAt(i);
            ratios[i] = c == 'H' ? 1.0 : c == 'l' ? 0.3 : c == '?' ? Double.NaN : 0.0;
        }
        return PointEpisodes.of(ratios, STEP, T0 + (ratios.length - 1) * STEP, 0.1, 0.5);
    }

    @Test
    void anEpisodeSpansItsBackpressuredStepsAndEndsAfterTwoOkSteps() {
        List<Episode> all = of("..HHlH....");
        assertEquals(1, all.size());
        Episode e = all.get(0);
        assertEquals(T0 + STEP, e.getStart());
        assertEquals(T0 + 5 * STEP, e.getEnd());
        assertEquals(4 * STEP, e.getDurationMillis());
        assertFalse(e.isOngoing());
        assertEquals("HIGH", e.getPeakLevel());
        assertEquals((1.0 + 1.0 + 0.3 + 1.0) / 4, e.getMeanRatio(), 1e-9);
        assertEquals("", e.getCause());
    }

    @Test
    void aSingleOkStepDoesNotSplitAnEpisodeButCountsInItsMean() {
        List<Episode> all = of("ll.ll..");
        assertEquals(1, all.size());
        assertEquals(T0 - STEP, all.get(0).getStart());
        assertEquals(T0 + 4 * STEP, all.get(0).getEnd());
        assertEquals("LOW", all.get(0).getPeakLevel());
        assertEquals(0.3 * 4 / 5, all.get(0).getMeanRatio(), 1e-9);
        // two OK steps do split
        List<Episode> split = of("l..l.l");
        assertEquals(2, split.size());
        assertEquals(STEP, split.get(0).getDurationMillis());
        assertTrue(split.get(1).isOngoing());
        assertEquals(3 * STEP, split.get(1).getDurationMillis());
    }

    @Test
    void anOngoingEpisodeHasNoEndAndALengthToItsLastBackpressuredStep() {
        List<Episode> all = of("..HHH.");
        assertEquals(1, all.size());
        Episode e = all.get(0);
        assertTrue(e.isOngoing());
        assertEquals(Episode.ONGOING_END, e.getEnd());
        assertEquals(3 * STEP, e.getDurationMillis());
        assertEquals(5 * STEP, of("..HHH.H").get(0).getDurationMillis());
    }

    @Test
    void aStepWithoutAReadingNeitherEndsNorExtendsAnEpisode() {
        List<Episode> all = of("HH??H.?.");
        assertEquals(1, all.size());
        assertEquals(T0 - STEP, all.get(0).getStart());
        assertEquals(T0 + 4 * STEP, all.get(0).getEnd());
        assertEquals(1.0, all.get(0).getMeanRatio(), 1e-9);
        assertEquals(List.of(), of("??..?."));
    }
}

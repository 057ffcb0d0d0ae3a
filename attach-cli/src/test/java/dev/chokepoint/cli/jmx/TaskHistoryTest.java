package dev.chokepoint.cli.jmx;

import dev.chokepoint.api.Episode;
import dev.chokepoint.api.Persistence;
import dev.chokepoint.api.Settings;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskHistoryTest {

    private static final long END = 1_000_000;
    private static final long STEP = 1000;
    private static final double LOW = Settings.LOW_DEFAULT;
    private static final double HIGH = Settings.HIGH_DEFAULT;
    private static final long AFTER = Settings.PERSISTENT_AFTER_MILLIS_DEFAULT;

    /** 20 points: 5 backpressured from 10 s to 5 s before the end, the last 5 OK. */
    private static TaskHistory oneOldEpisode() {
        double[] ratios = new double[20];
        for (int i = 10; i < 15; i++) {
            ratios[i] = 0.9;
        }
        Episode episode = new Episode(END - 10_000, END - 5_000, 5_000, "HIGH", 0.9, "CPU");
        return new TaskHistory(Persistence.TEMPORARY, List.of(episode), ratios, STEP, END);
    }

    @Test
    void sinceKeepsThePointsAndEpisodesOfThePeriodAndJudgesThemAgain() {
        TaskHistory all = oneOldEpisode();

        TaskHistory recent = all.since(END - 3_000, LOW, HIGH, AFTER);
        assertArrayEquals(new double[] {0, 0, 0}, recent.ratios());
        assertEquals(List.of(), recent.episodes);
        assertEquals(Persistence.NONE, recent.persistence, "nothing backpressured in the last 3 s");

        TaskHistory wider = all.since(END - 12_000, LOW, HIGH, AFTER);
        assertEquals(12, wider.ratios().length);
        assertEquals(1, wider.episodes.size());
        assertEquals(Persistence.TEMPORARY, wider.persistence, "5 of 12 points");

        TaskHistory inside = all.since(END - 7_000, LOW, HIGH, 60_000);
        assertEquals(7, inside.ratios().length);
        assertEquals(Persistence.TEMPORARY, inside.persistence, "2 of 7 points");
    }

    @Test
    void anOngoingEpisodeCountsFromTheStartOfThePeriodAtTheEarliest() {
        double[] ratios = new double[100];
        java.util.Arrays.fill(ratios, 50, 100, 0.8);
        Episode ongoing = new Episode(END - 50_000, Episode.ONGOING_END, 50_000, "HIGH", 0.8, "");
        TaskHistory history = new TaskHistory(Persistence.TEMPORARY, List.of(ongoing), ratios, STEP, END);

        assertEquals(Persistence.PERSISTENT, history.since(END - 100_000, LOW, HIGH, 40_000).persistence,
                "ongoing 50 s >= 40 s");
        assertEquals(Persistence.TEMPORARY, history.since(END - 100_000, LOW, HIGH, 60_000).persistence,
                "50 of 100 points and ongoing 50 s < 60 s");
        assertEquals(Persistence.PERSISTENT, history.since(END - 20_000, LOW, HIGH, 60_000).persistence,
                "every point of the last 20 s");
    }

    @Test
    void aVertexTakesTheWorstStepTheMostLastingVerdictAndMergesOverlappingEpisodes() {
        TaskHistory a = new TaskHistory(Persistence.TEMPORARY,
                List.of(new Episode(100_000, 108_000, 8_000, "LOW", 0.3, "SLEEP")),
                new double[] {0.1, 0.3, Double.NaN}, STEP, END);
        TaskHistory b = new TaskHistory(Persistence.PERSISTENT,
                List.of(new Episode(104_000, Episode.ONGOING_END, 20_000, "HIGH", 0.9, "CPU")),
                new double[] {0.5, 0.2}, STEP, END);

        TaskHistory vertex = TaskHistory.ofVertex(List.of(a, b, TaskHistory.UNKNOWN));

        assertEquals(Persistence.PERSISTENT, vertex.persistence);
        assertArrayEquals(new double[] {0.1, 0.5, 0.2}, vertex.ratios(), "aligned by the newest point");
        assertEquals(1, vertex.episodes.size());
        Episode merged = vertex.episodes.get(0);
        assertEquals(100_000, merged.getStart());
        assertTrue(merged.isOngoing());
        assertEquals(24_000, merged.getDurationMillis());
        assertEquals("HIGH", merged.getPeakLevel());
        assertEquals((0.3 * 8 + 0.9 * 20) / 28, merged.getMeanRatio(), 1e-9);
        assertEquals("CPU", merged.getCause(), "the longest one's");
    }

    @Test
    void episodesThatDoNotOverlapStaySeparate() {
        List<Episode> merged = TaskHistory.merge(List.of(
                new Episode(30_000, 38_000, 8_000, "HIGH", 0.9, ""),
                new Episode(0, 8_000, 8_000, "HIGH", 0.9, "")));
        assertEquals(2, merged.size());
        assertEquals(0, merged.get(0).getStart());
        assertEquals(30_000, merged.get(1).getStart());
    }

    @Test
    void aVertexPrefersTheAgentsHistoriesToWatchedOnesAndKeepsWhoKeptIt() {
        TaskHistory agent = oneOldEpisode();
        TaskHistory watched = new TaskHistory(Persistence.PERSISTENT, List.of(), new double[] {1, 1}, 2 * STEP, END, true);
        TaskHistory mixed = TaskHistory.ofVertex(List.of(watched, agent));
        assertSame(agent, mixed);
        assertFalse(mixed.watched);
        TaskHistory onlyWatched = TaskHistory.ofVertex(List.of(watched, watched));
        assertTrue(onlyWatched.watched);
        assertEquals(2 * STEP, onlyWatched.stepMillis);
        assertTrue(watched.since(END - 1_000, LOW, HIGH, AFTER).watched, "--since keeps who kept it");
    }

    @Test
    void unknownStaysUnknown() {
        assertFalse(TaskHistory.UNKNOWN.known());
        assertSame(TaskHistory.UNKNOWN, TaskHistory.UNKNOWN.since(0, LOW, HIGH, AFTER));
        assertSame(TaskHistory.UNKNOWN, TaskHistory.ofVertex(List.of(TaskHistory.UNKNOWN)));
    }
}

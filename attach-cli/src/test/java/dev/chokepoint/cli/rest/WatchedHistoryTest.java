package dev.chokepoint.cli.rest;

import dev.chokepoint.api.Persistence;
import dev.chokepoint.api.Settings;
import dev.chokepoint.cli.jmx.AgentSettings;
import dev.chokepoint.cli.jmx.TaskHistory;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WatchedHistoryTest {

    private static final long STEP = 2000;
    private static final long T0 = 1_700_000_000_000L;

    private static TaskHistory feed(WatchedHistory history, String key, long firstMillis, double... ratios) {
        TaskHistory last = null;
        for (int i = 0; i < ratios.length; i++) {
            last = history.add(key, firstMillis + i * STEP, ratios[i]);
        }
        return last;
    }

    @Test
    void onePointPerReadingAndTheAgentsVerdict() {
        WatchedHistory history = new WatchedHistory(STEP, AgentSettings.DEFAULTS);
        TaskHistory steady = feed(history, "v/0", T0, 0.9, 0.95, 1.0, 0.8);
        assertTrue(steady.known());
        assertTrue(steady.watched);
        assertEquals(Persistence.PERSISTENT, steady.persistence);
        assertArrayEquals(new double[] {0.9, 0.95, 1.0, 0.8}, steady.ratios());
        assertEquals(STEP, steady.stepMillis);
        assertEquals(T0 + 3 * STEP, steady.endMillis);
        assertEquals(1, steady.episodes.size());
        assertTrue(steady.episodes.get(0).isOngoing());
        assertEquals(T0 - STEP, steady.episodes.get(0).getStart());

        // another subtask read at the same readings: 3 of 8 points backpressured, episodes that came and went
        WatchedHistory other = new WatchedHistory(STEP, AgentSettings.DEFAULTS);
        TaskHistory comesAndGoes = feed(other, "v/1", T0, 0.0, 0.7, 0.6, 0.0, 0.0, 0.3, 0.0, 0.0);
        assertEquals(Persistence.TEMPORARY, comesAndGoes.persistence);
        assertEquals(2, comesAndGoes.episodes.size());
        assertFalse(comesAndGoes.episodes.get(1).isOngoing());
        assertEquals(Persistence.NONE, feed(other, "v/2", T0, 0.0, 0.05, 0.1).persistence);
    }

    @Test
    void readingsLateOrEarlyLandOnTheGridAndAMissedStepIsAGap() {
        WatchedHistory history = new WatchedHistory(STEP, AgentSettings.DEFAULTS);
        history.add("v/0", T0, 0.2);
        history.add("v/0", T0 + STEP + 200, 0.4);        // a slow reading: still the second step
        history.add("v/0", T0 + STEP + 900, 0.9);        // another in the same step: the higher stays
        history.add("v/0", T0 + STEP + 950, 0.5);
        TaskHistory h = history.add("v/0", T0 + 3 * STEP - 100, 0.0); // the third step had no reading
        double[] ratios = h.ratios();
        assertEquals(4, ratios.length);
        assertEquals(0.2, ratios[0], 0);
        assertEquals(0.9, ratios[1], 0);
        assertTrue(Double.isNaN(ratios[2]));
        assertEquals(0.0, ratios[3], 0);
        assertEquals(T0 + 3 * STEP, h.endMillis);
    }

    @Test
    void keepsAtMostTheAgentsDefaultHistoryAndForgetsSubtasksGoneFromTheJob() {
        WatchedHistory history = new WatchedHistory(STEP, AgentSettings.DEFAULTS);
        int capacity = (int) (Settings.HISTORY_MILLIS_DEFAULT / STEP);
        TaskHistory h = null;
        for (int i = 0; i < capacity + 50; i++) {
            h = history.add("v/0", T0 + i * STEP, i < 50 ? 1.0 : 0.0);
            history.add("v/1", T0 + i * STEP, 0.0);
        }
        assertEquals(capacity, h.ratios().length);
        // the backpressured start has left the window, and its episode with it
        assertEquals(Persistence.NONE, h.persistence);
        assertEquals(0, h.episodes.size());
        assertEquals(2, history.subtasks());
        history.retain(Set.of("v/1"));
        assertEquals(1, history.subtasks());
        // a subtask seen again starts afresh
        assertEquals(1, history.add("v/0", T0 + (capacity + 50) * STEP, 1.0).ratios().length);
    }

    @Test
    void aGapWhereAReadingHadNoRatio() {
        WatchedHistory history = new WatchedHistory(STEP, AgentSettings.DEFAULTS);
        TaskHistory h = feed(history, "v/0", T0, 1.0, Double.NaN, 1.0);
        assertTrue(Double.isNaN(h.ratios()[1]));
        assertEquals(1, h.episodes.size());
        assertEquals(2 * STEP + STEP, h.episodes.get(0).getDurationMillis());
    }
}

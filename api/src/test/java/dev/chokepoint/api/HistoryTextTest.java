package dev.chokepoint.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class HistoryTextTest {

    @Test
    void pointsToTheTwentiethAndEpisodesWholeComeBack() {
        Episode ended = new Episode(1000, 9000, 8000, "HIGH", 0.8375, "CPU");
        Episode ongoing = new Episode(20000, Episode.ONGOING_END, 3000, "LOW", 0.25, "");
        String text = HistoryText.encode(1000, 23000, new double[] {0, 0.05, 0.5, 1, 0.33, Double.NaN},
                new Episode[] {ended, ongoing});
        assertEquals("1000/23000/abkuh./1000:9000:8000:HIGH:0.838:CPU;20000:-1:3000:LOW:0.250:", text);

        HistoryText.Decoded back = HistoryText.decode(text);
        assertEquals(1000, back.stepMillis);
        assertEquals(23000, back.endMillis);
        assertArrayEquals(new double[] {0, 0.05, 0.5, 1, 0.35, Double.NaN}, back.ratios, 1e-9);
        assertEquals(2, back.episodes.size());
        assertEquals(ended.toString().replace("0.8375", "0.838"), back.episodes.get(0).toString());
        assertEquals(ongoing.toString(), back.episodes.get(1).toString());
    }

    @Test
    void onlyTheLatestEpisodesTravel() {
        Episode[] many = new Episode[HistoryText.MAX_EPISODES + 5];
        for (int i = 0; i < many.length; i++) {
            many[i] = new Episode(i * 10_000L, i * 10_000L + 5_000, 5_000, "HIGH", 0.9, "");
        }
        HistoryText.Decoded back = HistoryText.decode(HistoryText.encode(1000, 1, new double[0], many));
        assertEquals(HistoryText.MAX_EPISODES, back.episodes.size());
        assertEquals(50_000L, back.episodes.get(0).getStart());
        assertEquals(0, back.ratios.length);
    }

    @Test
    void somethingElseIsNoHistory() {
        assertNull(HistoryText.decode(""));
        assertNull(HistoryText.decode(null));
        assertNull(HistoryText.decode("1000/x/ab/"));
        assertNull(HistoryText.decode("1000/1/ab/1:2:3"));
    }
}

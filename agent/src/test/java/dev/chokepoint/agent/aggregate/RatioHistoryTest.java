package dev.chokepoint.agent.aggregate;

import dev.chokepoint.api.BackPressureLevel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RatioHistoryTest {

    private static final double PRECISION = 1.0 / 16383;

    @Test
    void keepsTheLastPointsOldestFirstAndCountsTheBackpressuredOnes() {
        RatioHistory history = new RatioHistory(3);
        assertArrayEquals(new double[0], history.ratios());
        history.add(0.5, BackPressureLevel.LOW);
        history.add(0.0, BackPressureLevel.OK);
        assertArrayEquals(new double[] {0.5, 0.0}, history.ratios(), PRECISION);
        assertEquals(1, history.backPressured());
        history.add(1.0, BackPressureLevel.HIGH);
        history.add(0.25, BackPressureLevel.LOW); // pushes out the first (LOW) point
        assertArrayEquals(new double[] {0.0, 1.0, 0.25}, history.ratios(), PRECISION);
        assertEquals(3, history.size());
        assertEquals(2, history.backPressured());
        history.add(0.0, BackPressureLevel.OK);
        history.add(0.0, BackPressureLevel.OK);
        history.add(0.0, BackPressureLevel.OK);
        assertEquals(0, history.backPressured());
        assertArrayEquals(new double[] {0, 0, 0}, history.ratios());
    }

    @Test
    void aPointKeepsItsRatioAndLevelInTwoBytes() {
        for (BackPressureLevel level : BackPressureLevel.values()) {
            for (double ratio : new double[] {0.0, 0.1, 1.0 / 3, 0.5, 0.999, 1.0}) {
                char point = RatioHistory.pack(ratio, level);
                assertEquals(level, RatioHistory.levelOf(point));
                assertEquals(ratio, RatioHistory.ratioOf(point), PRECISION / 2);
            }
        }
        assertEquals(0.0, RatioHistory.ratioOf(RatioHistory.pack(Double.NaN, BackPressureLevel.OK)));
        assertEquals(1.0, RatioHistory.ratioOf(RatioHistory.pack(7, BackPressureLevel.HIGH)));
    }

    @Test
    void countsMatchABruteForceCountOverManyWraps() {
        RatioHistory history = new RatioHistory(7);
        double[] all = new double[500];
        for (int i = 0; i < all.length; i++) {
            all[i] = ((i * 7919) % 10) / 10.0;
            history.add(all[i], BackPressureLevel.of(all[i], 0.1, 0.5));
            int from = Math.max(0, i - 6);
            int expected = 0;
            double[] last = new double[i - from + 1];
            for (int j = from; j <= i; j++) {
                expected += all[j] > 0.1 ? 1 : 0;
                last[j - from] = all[j];
            }
            assertEquals(expected, history.backPressured(), "after point " + i);
            assertArrayEquals(last, history.ratios(), PRECISION, "after point " + i);
        }
    }

    @Test
    void anEmptyHistoryRecordsNothing() {
        RatioHistory none = new RatioHistory(0);
        none.add(1.0, BackPressureLevel.HIGH);
        assertEquals(0, none.size());
        assertEquals(0, none.backPressured());
    }
}

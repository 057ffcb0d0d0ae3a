package dev.chokepoint.bench.job;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatsTest {

    @Test
    void medianOfAnOddCountIsTheMiddleValueWhateverTheOrder() {
        Stats s = Stats.of(List.of(5.0, 1.0, 4.0, 2.0, 3.0));
        assertEquals(3.0, s.median());
        assertEquals(1.0, s.min());
        assertEquals(5.0, s.max());
        assertEquals(5, s.count());
    }

    @Test
    void medianOfAnEvenCountIsTheLowerMiddleValueNotAnInterpolation() {
        assertEquals(2.0, Stats.of(List.of(4.0, 1.0, 3.0, 2.0)).median());
    }

    @Test
    void quartilesAreNearestRank() {
        Stats s = Stats.of(List.of(10.0, 20.0, 30.0, 40.0, 50.0));
        assertEquals(20.0, s.percentile(25));
        assertEquals(40.0, s.percentile(75));
        assertEquals(10.0, s.percentile(0));
        assertEquals(50.0, s.percentile(100));
    }

    @Test
    void noValuesGiveNaN() {
        Stats s = Stats.of(List.of());
        assertTrue(Double.isNaN(s.median()));
        assertTrue(Double.isNaN(s.min()));
        assertTrue(Double.isNaN(s.max()));
    }

    @Test
    void percentileOutOfRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Stats.of(List.of(1.0)).percentile(101));
    }
}

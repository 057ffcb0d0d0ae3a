package dev.chokepoint.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PercentilesTest {

    @Test
    void nearestRankOnOneToHundredInAnyOrder() {
        List<Double> values = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            values.add((double) i);
        }
        Collections.shuffle(values, new Random(42));
        double[] array = values.stream().mapToDouble(Double::doubleValue).toArray();
        double[] before = array.clone();

        Percentiles p = Percentiles.of(array);

        assertEquals(100, p.count());
        assertEquals(1, p.at(0));
        assertEquals(1, p.at(1));
        assertEquals(50, p.median());
        assertEquals(90, p.at(90));
        assertEquals(99, p.at(99));
        assertEquals(100, p.at(99.5));
        assertEquals(100, p.at(100));
        assertEquals(100, p.max());
        assertArrayEquals(before, array, "the caller's array is not reordered");
    }

    @Test
    void smallSetsGiveMeasuredValuesNotInterpolations() {
        Percentiles p = Percentiles.of(new double[] {30, 10, 20, 40});
        assertEquals(20, p.median(), "lower middle of an even count");
        assertEquals(40, p.at(90));
        assertEquals(40, p.at(99));
        assertEquals(10, p.at(25));
        assertEquals(30, p.at(50.1));

        Percentiles one = Percentiles.of(new double[] {7.5});
        assertEquals(7.5, one.at(0));
        assertEquals(7.5, one.median());
        assertEquals(7.5, one.at(99));
    }

    @Test
    void tailOfASkewedSet() {
        double[] values = new double[200];
        for (int i = 0; i < values.length; i++) {
            values[i] = i < 197 ? 100 : 1000 + i; // 3 outliers of 200: 1.5 %
        }
        Percentiles p = Percentiles.of(values);
        assertEquals(100, p.median());
        assertEquals(100, p.at(98.5));
        assertEquals(1197, p.at(99), "rank 198 is the first outlier");
        assertEquals(1199, p.max());
    }

    @Test
    void emptyAndOutOfRange() {
        Percentiles empty = Percentiles.of(new double[0]);
        assertTrue(Double.isNaN(empty.median()));
        assertTrue(Double.isNaN(empty.max()));
        Percentiles p = Percentiles.of(new double[] {1});
        assertThrows(IllegalArgumentException.class, () -> p.at(-1));
        assertThrows(IllegalArgumentException.class, () -> p.at(100.5));
        assertThrows(IllegalArgumentException.class, () -> p.at(Double.NaN));
    }
}

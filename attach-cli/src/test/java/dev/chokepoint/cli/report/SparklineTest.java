package dev.chokepoint.cli.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SparklineTest {

    @Test
    void eachRatioIsOneOfEightHeightsAndNoReadingIsASpace() {
        double[] ratios = {0, 0.1, 0.3, 0.5, 0.7, 1.0, Double.NaN, 0.95};
        assertEquals("\u2581\u2581\u2583\u2585\u2586\u2588 \u2588", Sparkline.unicode().render(ratios, 80));
        assertEquals("__-=+# #", Sparkline.ascii().render(ratios, 80));
    }

    @Test
    void moreReadingsThanColumnsKeepTheHighestOfEachColumn() {
        double[] ratios = new double[600];
        ratios[301] = 1.0; // one second of HIGH in ten minutes
        String line = Sparkline.ascii().render(ratios, 60);
        assertEquals(60, line.length());
        assertEquals("_".repeat(30) + "#" + "_".repeat(29), line);
    }

    @Test
    void fewerReadingsThanColumnsTakeOneColumnEach() {
        assertEquals("_#", Sparkline.ascii().render(new double[] {0, 1}, 60));
        assertEquals("", Sparkline.ascii().render(new double[0], 60));
        assertEquals("   ", Sparkline.ascii().render(new double[] {Double.NaN, Double.NaN, Double.NaN}, 10));
    }
}

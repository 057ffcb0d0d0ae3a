package dev.chokepoint.bench.job;

import java.util.Arrays;
import java.util.List;

/**
 * Nearest-rank statistics of a few measurements: every figure is one of the measured values, never
 * an interpolation, so that a median of 5 rounds is the third round's value and nothing in between.
 */
final class Stats {

    private final double[] sorted;

    private Stats(double[] sorted) {
        this.sorted = sorted;
    }

    static Stats of(List<Double> values) {
        double[] copy = new double[values.size()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = values.get(i);
        }
        Arrays.sort(copy);
        return new Stats(copy);
    }

    int count() {
        return sorted.length;
    }

    /** The smallest value with at least {@code p}% of the values at or below it; NaN without values. */
    double percentile(double p) {
        if (!(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile out of 0..100: " + p);
        }
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    /** The lower median for an even count. */
    double median() {
        return percentile(50);
    }

    double min() {
        return sorted.length == 0 ? Double.NaN : sorted[0];
    }

    double max() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
    }
}

package dev.chokepoint.bench;

import java.util.Arrays;

/** Nearest-rank percentiles of a set of measurements: always one of the measured values, never an interpolation. */
public final class Percentiles {

    private final double[] sorted;

    private Percentiles(double[] sorted) {
        this.sorted = sorted;
    }

    /** Copies and sorts {@code values}; the caller's array is left as it was. */
    public static Percentiles of(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return new Percentiles(copy);
    }

    public int count() {
        return sorted.length;
    }

    /**
     * The nearest-rank {@code p}-th percentile: the smallest value with at least {@code p}% of the
     * values at or below it ({@code p} = 0 gives the minimum). NaN when there are no values.
     */
    public double at(double p) {
        if (!(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile out of 0..100: " + p);
        }
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    public double median() {
        return at(50);
    }

    public double max() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
    }
}

package dev.chokepoint.agent.aggregate;

import dev.chokepoint.api.BackPressureLevel;

/**
 * The last {@code capacity} points of a subtask's history, each a back-pressure ratio with the
 * level it was judged at, as a ring of {@code char}s: 14 bits of ratio (steps of 1/16383) and the
 * level's code in the top 2 bits. Fixed memory, no allocation after construction; keeps the count
 * of backpressured (LOW or HIGH) points it holds. Not thread-safe: {@link SubtaskHistory} guards it.
 */
final class RatioHistory {

    private static final int RATIO_BITS = 14;
    private static final int RATIO_SCALE = (1 << RATIO_BITS) - 1;
    private static final BackPressureLevel[] LEVELS = BackPressureLevel.values();

    private final char[] ring;
    private int next;
    private int size;
    private int backPressured;

    RatioHistory(int capacity) {
        this.ring = new char[capacity];
    }

    int capacity() {
        return ring.length;
    }

    /** Points held: fewer than {@link #capacity()} until the ring has filled once. */
    int size() {
        return size;
    }

    /** Points held whose level is LOW or HIGH. */
    int backPressured() {
        return backPressured;
    }

    void add(double ratio, BackPressureLevel level) {
        if (ring.length == 0) {
            return;
        }
        if (size == ring.length) {
            if (levelOf(ring[next]) != BackPressureLevel.OK) {
                backPressured--;
            }
        } else {
            size++;
        }
        ring[next] = pack(ratio, level);
        if (level != BackPressureLevel.OK) {
            backPressured++;
        }
        next = next + 1 == ring.length ? 0 : next + 1;
    }

    /** The ratios, oldest first. */
    double[] ratios() {
        double[] out = new double[size];
        int first = next - size < 0 ? next - size + ring.length : next - size;
        for (int i = 0; i < size; i++) {
            int slot = first + i < ring.length ? first + i : first + i - ring.length;
            out[i] = ratioOf(ring[slot]);
        }
        return out;
    }

    static char pack(double ratio, BackPressureLevel level) {
        double clamped = ratio > 1.0 ? 1.0 : ratio > 0.0 ? ratio : 0.0; // NaN reads 0
        return (char) ((level.code() << RATIO_BITS) | (int) Math.round(clamped * RATIO_SCALE));
    }

    static double ratioOf(char point) {
        return (double) (point & RATIO_SCALE) / RATIO_SCALE;
    }

    static BackPressureLevel levelOf(char point) {
        return LEVELS[point >>> RATIO_BITS];
    }
}

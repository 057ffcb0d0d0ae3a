package dev.chokepoint.agent.aggregate;

import java.util.Arrays;

/**
 * How fast a counter (CPU time, GC pause time) advanced against wall time over the last few
 * checkpoints: a fixed ring, so that the rate covers about one sample window whatever the run
 * time. Written by the sampler thread only.
 */
final class RateWindow {

    private final long[] wall;
    private final long[] value;
    private int next;
    private int count;

    /** @param points checkpoints kept; the rate spans {@code points - 1} intervals */
    RateWindow(int points) {
        wall = new long[Math.max(2, points)];
        value = new long[wall.length];
    }

    /** A reading of the counter; a negative one (unreadable) starts the window over. */
    void add(long wallNanos, long counter) {
        if (counter < 0) {
            count = 0;
            return;
        }
        wall[next] = wallNanos;
        value[next] = counter;
        next = next + 1 == wall.length ? 0 : next + 1;
        count = Math.min(count + 1, wall.length);
    }

    /** Counter units per wall nanosecond from the oldest checkpoint to the newest; NaN before two. */
    double rate() {
        if (count < 2) {
            return Double.NaN;
        }
        int newest = next == 0 ? wall.length - 1 : next - 1;
        int oldest = count < wall.length ? newest - count + 1 : next;
        if (oldest < 0) {
            oldest += wall.length;
        }
        long span = wall[newest] - wall[oldest];
        return span <= 0 ? Double.NaN : (double) (value[newest] - value[oldest]) / span;
    }

    void clear() {
        Arrays.fill(wall, 0L);
        Arrays.fill(value, 0L);
        next = 0;
        count = 0;
    }
}

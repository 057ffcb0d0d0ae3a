package dev.chokepoint.agent.aggregate;

/**
 * Time spent in blocking buffer requests over the same ticks as the sample window, from the
 * instrumented requests (exact, not sampled): per tick the blocked nanoseconds and the tick's
 * length, so that the rate is right even when ticks run late. Sampler thread only.
 */
public final class BlockedTimeWindow {

    /**
     * Per tick its blocked nanoseconds and its length, side by side ({@code 2i}, {@code 2i + 1}):
     * one array, so that recording a tick touches one place in memory rather than two.
     */
    private final long[] ticks;
    private final int size;
    private int next;
    private int filled;
    private long blockedSum;
    private long elapsedSum;

    public BlockedTimeWindow(int size) {
        this.size = size;
        ticks = new long[2 * size];
    }

    public void record(long blockedNanos, long elapsedNanos) {
        int at = 2 * next;
        if (filled == size) {
            blockedSum -= ticks[at];
            elapsedSum -= ticks[at + 1];
        } else {
            filled++;
        }
        ticks[at] = blockedNanos;
        ticks[at + 1] = elapsedNanos;
        blockedSum += blockedNanos;
        elapsedSum += elapsedNanos;
        next = next + 1 == size ? 0 : next + 1;
    }

    /** Milliseconds blocked per second of the window, at most 1000 (a subtask blocks on one thread at a time). */
    public double msPerSecond() {
        return elapsedSum <= 0 ? 0.0 : Math.min(1000.0, 1000.0 * blockedSum / elapsedSum);
    }
}

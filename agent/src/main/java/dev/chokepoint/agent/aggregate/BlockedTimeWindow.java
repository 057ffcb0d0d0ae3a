package dev.chokepoint.agent.aggregate;

/**
 * Time spent in blocking buffer requests over the same ticks as the sample window, from the
 * instrumented requests (exact, not sampled): per tick the blocked nanoseconds and the tick's
 * length, so that the rate is right even when ticks run late. Sampler thread only.
 */
public final class BlockedTimeWindow {

    private final long[] blocked;
    private final long[] elapsed;
    private int next;
    private int filled;
    private long blockedSum;
    private long elapsedSum;

    public BlockedTimeWindow(int size) {
        blocked = new long[size];
        elapsed = new long[size];
    }

    public void record(long blockedNanos, long elapsedNanos) {
        if (filled == blocked.length) {
            blockedSum -= blocked[next];
            elapsedSum -= elapsed[next];
        } else {
            filled++;
        }
        blocked[next] = blockedNanos;
        elapsed[next] = elapsedNanos;
        blockedSum += blockedNanos;
        elapsedSum += elapsedNanos;
        next = next + 1 == blocked.length ? 0 : next + 1;
    }

    /** Milliseconds blocked per second of the window, at most 1000 (a subtask blocks on one thread at a time). */
    public double msPerSecond() {
        return elapsedSum <= 0 ? 0.0 : Math.min(1000.0, 1000.0 * blockedSum / elapsedSum);
    }
}

package dev.chokepoint.agent.aggregate;

/**
 * Time spent in blocking buffer requests over the same ticks as the sample window, from the
 * instrumented requests (exact, not sampled): per tick the blocked nanoseconds, against the ticks'
 * lengths, so that the rate is right even when ticks run late. The lengths are the same for every
 * subtask, so they are kept once ({@link TickLengths}), and so is the count of ticks the window
 * spans (the caller's sample window has it): a subtask that was not blocked in any tick of its
 * window need not touch this object at all, which at 1,000 threads is one cache miss fewer per
 * idle subtask and tick. Sampler thread only.
 */
public final class BlockedTimeWindow {

    private final long[] blocked;
    private final TickLengths lengths;
    private int next;
    private long blockedSum;
    /** Slots of the window that are not 0: while there are none, a tick blocked for 0 changes nothing. */
    private int nonZero;

    /**
     * A window over {@code lengths}, which must get each tick's length before the window gets its
     * blocked time ({@link #record(long)}), and be of the same size.
     */
    public BlockedTimeWindow(int size, TickLengths lengths) {
        this.blocked = new long[size];
        this.lengths = lengths;
    }

    /**
     * A tick's blocked time, after its length went to the shared lengths. A tick blocked for 0 may
     * be left out (no call) while the previous call returned false: with every slot 0, which slot
     * is the oldest does not matter, and the count of ticks is the caller's.
     *
     * @return true while some tick of the window was blocked
     */
    public boolean record(long blockedNanos) {
        if (nonZero != 0 || blockedNanos != 0) {
            long old = blocked[next]; // 0 while the window is not full
            if (old != 0) {
                blockedSum -= old;
                nonZero--;
            }
            blocked[next] = blockedNanos;
            if (blockedNanos != 0) {
                blockedSum += blockedNanos;
                nonZero++;
            }
        }
        next = next + 1 == blocked.length ? 0 : next + 1;
        return nonZero != 0;
    }

    /**
     * Milliseconds blocked per second of the window, at most 1000 (a subtask blocks on one thread at a time).
     *
     * @param ticks the ticks the window spans so far, at most its size: the subtask's ticks since
     *              the window began, the ones left out of {@link #record} included
     */
    public double msPerSecond(int ticks) {
        if (blockedSum <= 0) {
            return 0.0; // no need to read the lengths
        }
        long elapsedSum = lengths.newest(Math.min(ticks, blocked.length));
        return elapsedSum <= 0 ? 0.0 : Math.min(1000.0, 1000.0 * blockedSum / elapsedSum);
    }
}

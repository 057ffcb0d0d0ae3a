package dev.chokepoint.agent.aggregate;

/**
 * The lengths of the last ticks, once for all subtasks: every subtask records every tick of its
 * life (one missing a tick is dropped), so a subtask's window of {@code n} ticks is the newest
 * {@code n} ticks here. Kept as running totals, so that the length of the newest {@code n} is one
 * subtraction. Lets a subtask's {@link BlockedTimeWindow} keep only its blocked times, and one
 * that is never blocked write nothing. Sampler thread only.
 */
public final class TickLengths {

    /** The running total after each of the newest {@code size} ticks, and before them: a ring of size + 1. */
    private final long[] totals;
    private int newest;
    private long total;

    public TickLengths(int size) {
        totals = new long[size + 1];
    }

    public void add(long elapsedNanos) {
        total += elapsedNanos;
        newest = newest + 1 == totals.length ? 0 : newest + 1;
        totals[newest] = total;
    }

    /** The summed length of the newest {@code n} ticks, n at most the size; all ticks so far when fewer. */
    public long newest(int n) {
        int before = newest - n;
        return total - totals[before < 0 ? before + totals.length : before];
    }
}

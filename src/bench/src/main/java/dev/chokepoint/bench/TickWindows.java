package dev.chokepoint.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Collects the windows of time ({@link System#nanoTime}) of one phase's ticks, in order, for
 * {@link TickPauses#attribute}. A window that starts before the end of the previous one, or before the
 * guard (the end of a window too short to keep, or the time given at the start of the phase), cannot tell
 * whose an operation there is: it is cut to start at the guard and kept as a window of 0 ticks (dropped),
 * and the previous window, if they overlap, is dropped too. Not thread-safe.
 */
final class TickWindows {

    /** The windows collected. */
    record Windows(long[] from, long[] to, int[] ticks) {

        TickPauses attribute(List<VmOperationLog.Operation> operations) {
            return TickPauses.attribute(operations, from, to, ticks);
        }
    }

    private long[] from = new long[64];
    private long[] to = new long[64];
    private int[] ticks = new int[64];
    private int count;
    private long guard;

    /** @param notBefore no tick of the phase did anything before this time */
    TickWindows(long notBefore) {
        this.guard = notBefore;
    }

    /** A window of ticks whose start is not known: it reaches back to the previous window, so both are dropped. */
    void addUnbounded(long end) {
        add(Long.MIN_VALUE, end, 0);
    }

    /** A window from {@code start} (inclusive) to {@code end} (exclusive) holding {@code tickCount} ticks. */
    void add(long start, long end, int tickCount) {
        int n = tickCount;
        if (start < guard) {
            if (count > 0 && start < to[count - 1]) {
                ticks[count - 1] = 0;
            }
            n = 0;
            start = guard;
        }
        if (end <= start) {
            guard = Math.max(guard, end);
            return;
        }
        if (count == from.length) {
            from = Arrays.copyOf(from, count * 2);
            to = Arrays.copyOf(to, count * 2);
            ticks = Arrays.copyOf(ticks, count * 2);
        }
        from[count] = start;
        to[count] = end;
        ticks[count] = n;
        count++;
        guard = end;
    }

    Windows build() {
        return new Windows(Arrays.copyOf(from, count), Arrays.copyOf(to, count), Arrays.copyOf(ticks, count));
    }
}

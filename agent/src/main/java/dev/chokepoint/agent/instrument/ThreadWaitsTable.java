package dev.chokepoint.agent.instrument;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The wait records by thread id, for the sampler to look up once per thread and tick without
 * boxing the id: two sorted arrays behind one volatile reference, replaced whole on a change.
 * Changes are rare (a thread's first buffer request; ended threads forgotten once per window)
 * and take the table's lock; lookups take none.
 */
final class ThreadWaitsTable {

    private static final class Snapshot {
        final long[] ids;
        final ThreadWaits[] waits;

        Snapshot(long[] ids, ThreadWaits[] waits) {
            this.ids = ids;
            this.waits = waits;
        }
    }

    private volatile Snapshot table = new Snapshot(new long[0], new ThreadWaits[0]);

    ThreadWaits get(long threadId) {
        Snapshot t = table;
        int at = Arrays.binarySearch(t.ids, threadId);
        return at >= 0 ? t.waits[at] : null;
    }

    synchronized void put(long threadId, ThreadWaits waits) {
        Snapshot t = table;
        int at = Arrays.binarySearch(t.ids, threadId);
        if (at >= 0) {
            ThreadWaits[] values = t.waits.clone();
            values[at] = waits;
            table = new Snapshot(t.ids, values);
            return;
        }
        int insert = -at - 1;
        long[] ids = new long[t.ids.length + 1];
        ThreadWaits[] values = new ThreadWaits[ids.length];
        System.arraycopy(t.ids, 0, ids, 0, insert);
        System.arraycopy(t.waits, 0, values, 0, insert);
        ids[insert] = threadId;
        values[insert] = waits;
        System.arraycopy(t.ids, insert, ids, insert + 1, t.ids.length - insert);
        System.arraycopy(t.waits, insert, values, insert + 1, t.ids.length - insert);
        table = new Snapshot(ids, values);
    }

    /** Drops the records of threads that have ended. */
    synchronized void removeEnded() {
        Snapshot t = table;
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < t.ids.length; i++) {
            if (!t.waits[i].threadEnded()) {
                kept.add(i);
            }
        }
        if (kept.size() == t.ids.length) {
            return;
        }
        long[] ids = new long[kept.size()];
        ThreadWaits[] values = new ThreadWaits[kept.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = t.ids[kept.get(i)];
            values[i] = t.waits[kept.get(i)];
        }
        table = new Snapshot(ids, values);
    }

    int size() {
        return table.ids.length;
    }
}

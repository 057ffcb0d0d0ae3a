package dev.chokepoint.agent.discover;

import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * Lists the JVM's live threads without walking any stack (unlike {@code Thread.getAllStackTraces}),
 * with what a tick reads of each: id, name, group, state and park blocker. Those are read in a
 * loop of their own, a few instructions per thread, so that the CPU has many threads' cache misses
 * in flight at once; read inside the sampling loop, whose work per thread is long, each thread's
 * miss was waited for alone, the largest part of a tick at 1,000 threads. A thread's state and
 * blocker are thus read a little before it is classified, as any sample is a little old when used.
 * Owned by the sampler thread; the arrays are reused between ticks and cleared after each one so
 * that a finished task thread (or what it waited on) is never kept reachable by us.
 */
public final class ThreadEnumerator {

    private final ThreadGroup root;
    private Thread[] threads = new Thread[256];
    private long[] ids = new long[256];
    private String[] names = new String[256];
    private ThreadGroup[] groups = new ThreadGroup[256];
    private Thread.State[] states = new Thread.State[256];
    private Object[] blockers = new Object[256];
    private int count;

    public ThreadEnumerator() {
        ThreadGroup group = Thread.currentThread().getThreadGroup();
        while (group.getParent() != null) {
            group = group.getParent();
        }
        this.root = group;
    }

    /** Fills {@link #get} and the threads' fields with the live threads and returns how many there are. */
    public int enumerate() {
        while (true) {
            count = root.enumerate(threads, true);
            if (count < threads.length) {
                break;
            }
            // Full array: threads may have been left out, so grow and ask again.
            threads = new Thread[threads.length * 2];
        }
        if (ids.length < threads.length) {
            ids = new long[threads.length];
            names = new String[threads.length];
            groups = new ThreadGroup[threads.length];
            states = new Thread.State[threads.length];
            blockers = new Object[threads.length];
        }
        for (int i = 0; i < count; i++) {
            Thread thread = threads[i];
            ids[i] = thread.getId();
            names[i] = thread.getName();
            groups[i] = thread.getThreadGroup();
            states[i] = thread.getState();
            blockers[i] = LockSupport.getBlocker(thread);
        }
        return count;
    }

    public Thread get(int i) {
        return threads[i];
    }

    public long id(int i) {
        return ids[i];
    }

    public String name(int i) {
        return names[i];
    }

    /** The thread's group when enumerated; null once it had ended. */
    public ThreadGroup group(int i) {
        return groups[i];
    }

    public Thread.State state(int i) {
        return states[i];
    }

    /** What the thread was parked on ({@link LockSupport#getBlocker}), null when nothing. */
    public Object blocker(int i) {
        return blockers[i];
    }

    public void clear() {
        Arrays.fill(threads, 0, count, null);
        Arrays.fill(names, 0, count, null);
        Arrays.fill(groups, 0, count, null);
        Arrays.fill(states, 0, count, null);
        Arrays.fill(blockers, 0, count, null);
        count = 0;
    }
}

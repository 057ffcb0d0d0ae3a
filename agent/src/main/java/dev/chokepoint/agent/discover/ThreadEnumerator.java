package dev.chokepoint.agent.discover;

import java.util.Arrays;

/**
 * Lists the JVM's live threads without walking any stack (unlike {@code Thread.getAllStackTraces}).
 * Owned by the sampler thread; the array is reused between ticks and cleared after each one so
 * that a finished task thread is never kept reachable by us.
 */
public final class ThreadEnumerator {

    private final ThreadGroup root;
    private Thread[] threads = new Thread[256];
    private int count;

    public ThreadEnumerator() {
        ThreadGroup group = Thread.currentThread().getThreadGroup();
        while (group.getParent() != null) {
            group = group.getParent();
        }
        this.root = group;
    }

    /** Fills {@link #get} with the live threads and returns how many there are. */
    public int enumerate() {
        while (true) {
            count = root.enumerate(threads, true);
            if (count < threads.length) {
                return count;
            }
            // Full array: threads may have been left out, so grow and ask again.
            threads = new Thread[threads.length * 2];
        }
    }

    public Thread get(int i) {
        return threads[i];
    }

    /**
     * Overwrites slot {@code i}, which must be below the one being walked: lets a caller keep the
     * threads it puts aside for later in the same array, without allocating.
     */
    public void set(int i, Thread thread) {
        threads[i] = thread;
    }

    public void clear() {
        Arrays.fill(threads, 0, count, null);
        count = 0;
    }
}

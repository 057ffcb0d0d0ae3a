package dev.chokepoint.agent.sample;

import dev.chokepoint.agent.classify.BufferRequestFrames;
import dev.chokepoint.agent.discover.TaskThreadName;

import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Takes one sample of a set of task threads. A RUNNABLE thread cannot be waiting for a buffer, so
 * it costs no stack walk; the others are walked in one batched {@code getThreadInfo(ids, depth)}
 * call, bounded in depth, without lock or monitor information. Not thread-safe: owned by the sampler thread.
 */
public final class StackSampler {

    /** Receives each sampled thread's verdict. */
    public interface Sink {
        void sampled(TaskThreadName subtask, boolean blocked);
    }

    private final ThreadMXBean threads;
    private long[] ids = new long[64];
    private TaskThreadName[] owners = new TaskThreadName[64];
    private int waiting;
    private int sampled;

    public StackSampler(ThreadMXBean threads) {
        this.threads = threads;
    }

    /** Samples one thread of {@code subtask}: RUNNABLE ones at once, the others in {@link #finish}. */
    public void add(Thread thread, TaskThreadName subtask, Sink sink) {
        sampled++;
        Thread.State state = thread.getState();
        if (state == Thread.State.RUNNABLE || state == Thread.State.NEW) {
            sink.sampled(subtask, false);
            return;
        }
        if (state == Thread.State.TERMINATED) {
            sampled--;
            return;
        }
        if (waiting == ids.length) {
            ids = Arrays.copyOf(ids, waiting * 2);
            owners = Arrays.copyOf(owners, waiting * 2);
        }
        ids[waiting] = thread.getId();
        owners[waiting] = subtask;
        waiting++;
    }

    /** Walks the stacks of the waiting threads in one call and reports their verdicts. */
    public void finish(BufferRequestFrames frames, int depth, Sink sink) {
        try {
            if (waiting == 0) {
                return;
            }
            ThreadInfo[] infos = threads.getThreadInfo(Arrays.copyOf(ids, waiting), depth);
            for (int i = 0; i < waiting; i++) {
                ThreadInfo info = infos[i];
                if (info == null) {
                    sampled--; // ended since add(): it has no sample to give
                    continue;
                }
                boolean blocked = info.getThreadState() != Thread.State.RUNNABLE
                        && frames.isBlocked(info.getStackTrace());
                sink.sampled(owners[i], blocked);
            }
        } finally {
            Arrays.fill(owners, 0, waiting, null);
            waiting = 0;
        }
    }

    /** Threads sampled since the last call, then resets the count. */
    public int takeSampledCount() {
        int n = sampled;
        sampled = 0;
        return n;
    }
}

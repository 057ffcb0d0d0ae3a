package dev.chokepoint.agent.sample;

import dev.chokepoint.agent.classify.BufferRequestFrames;
import dev.chokepoint.agent.classify.ThreadState;
import dev.chokepoint.agent.classify.WorkWaitFrames;
import dev.chokepoint.agent.discover.TaskThreadName;
import dev.chokepoint.agent.instrument.ThreadWaits;

import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;

/**
 * Takes one sample of a set of task threads, walking as few stacks as it can. Settled without a
 * walk: a RUNNABLE thread (busy); a thread the buffer-request instrumentation reports inside a
 * request (in a buffer request); and, when only Flink's own buffer requests count, a thread parked
 * on a {@link Condition} (waiting for work: Flink's mailbox; Flink's buffer requests wait in
 * {@code Object.wait} or {@code CompletableFuture.get}, never on a Condition). The others are
 * walked in one batched {@code getThreadInfo(ids, depth)} call, bounded in depth, without lock or
 * monitor information. Not thread-safe: owned by the sampler thread.
 */
public final class StackSampler {

    /** Receives each sampled thread's state, with the wait record it was added with. */
    public interface Sink {
        void sampled(Thread thread, TaskThreadName subtask, ThreadState state, ThreadWaits waits);
    }

    private final ThreadMXBean threads;
    private long[] ids = new long[64];
    private Thread[] waiting = new Thread[64];
    private TaskThreadName[] owners = new TaskThreadName[64];
    private ThreadWaits[] waits = new ThreadWaits[64];
    private boolean[] onCondition = new boolean[64];
    private int waitingCount;
    private int sampled;
    private int walked;

    public StackSampler(ThreadMXBean threads) {
        this.threads = threads;
    }

    /**
     * Samples one thread of {@code subtask}: at once when its state settles it, else in {@link #finish}.
     *
     * @param threadWaits what the instrumentation knows of the thread (inside a blocking request
     *                    now or not), null when it has not timed any of its requests; looked up once
     *                    per tick by the caller and handed on to the sink
     */
    public void add(Thread thread, TaskThreadName subtask, ThreadWaits threadWaits, BufferRequestFrames frames,
                    Sink sink) {
        Thread.State state = thread.getState();
        if (state == Thread.State.TERMINATED) {
            return;
        }
        sampled++;
        if (threadWaits != null && threadWaits.waiting()) {
            sink.sampled(thread, subtask, ThreadState.IN_BUFFER_REQUEST, threadWaits);
            return;
        }
        if (state == Thread.State.RUNNABLE || state == Thread.State.NEW) {
            sink.sampled(thread, subtask, ThreadState.BUSY, threadWaits);
            return;
        }
        boolean condition = LockSupport.getBlocker(thread) instanceof Condition;
        if (condition && frames.builtInOnly()) {
            sink.sampled(thread, subtask, ThreadState.WAITING_FOR_WORK, threadWaits);
            return;
        }
        if (waitingCount == ids.length) {
            int grown = waitingCount * 2;
            ids = Arrays.copyOf(ids, grown);
            waiting = Arrays.copyOf(waiting, grown);
            owners = Arrays.copyOf(owners, grown);
            waits = Arrays.copyOf(waits, grown);
            onCondition = Arrays.copyOf(onCondition, grown);
        }
        ids[waitingCount] = thread.getId();
        waiting[waitingCount] = thread;
        owners[waitingCount] = subtask;
        waits[waitingCount] = threadWaits;
        onCondition[waitingCount] = condition;
        waitingCount++;
    }

    /** Walks the stacks of the threads {@link #add} could not settle, in one call, and reports them. */
    public void finish(BufferRequestFrames frames, int depth, Sink sink) {
        try {
            if (waitingCount == 0) {
                return;
            }
            walked += waitingCount;
            ThreadInfo[] infos = threads.getThreadInfo(Arrays.copyOf(ids, waitingCount), depth);
            for (int i = 0; i < waitingCount; i++) {
                ThreadInfo info = infos[i];
                if (info == null) {
                    sampled--; // ended since add(): it has no sample to give
                    continue;
                }
                sink.sampled(waiting[i], owners[i], classify(info, onCondition[i], frames), waits[i]);
            }
        } finally {
            Arrays.fill(waiting, 0, waitingCount, null);
            Arrays.fill(owners, 0, waitingCount, null);
            Arrays.fill(waits, 0, waitingCount, null);
            waitingCount = 0;
        }
    }

    private static ThreadState classify(ThreadInfo info, boolean onCondition, BufferRequestFrames frames) {
        if (info.getThreadState() == Thread.State.RUNNABLE) {
            return ThreadState.BUSY;
        }
        StackTraceElement[] stack = info.getStackTrace();
        if (frames.isBlocked(stack)) {
            return ThreadState.IN_BUFFER_REQUEST;
        }
        return onCondition || WorkWaitFrames.isWaitingForWork(stack) ? ThreadState.WAITING_FOR_WORK : ThreadState.BUSY;
    }

    /** Threads sampled since the last call, then resets the count. */
    public int takeSampledCount() {
        int n = sampled;
        sampled = 0;
        return n;
    }

    /** Threads whose stack was read since the last call, then resets the count. */
    public int takeWalkedCount() {
        int n = walked;
        walked = 0;
        return n;
    }
}

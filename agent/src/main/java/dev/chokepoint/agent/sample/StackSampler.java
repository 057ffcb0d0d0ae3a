package dev.chokepoint.agent.sample;

import dev.chokepoint.agent.classify.BufferRequestFrames;
import dev.chokepoint.agent.classify.ThreadState;
import dev.chokepoint.agent.classify.WorkWaitFrames;
import dev.chokepoint.agent.discover.TaskThreadName;
import dev.chokepoint.agent.flink.TaskMailbox;
import dev.chokepoint.agent.instrument.ThreadWaits;

import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;

/**
 * Takes one sample of a set of task threads, walking as few stacks as it can. Settled without a
 * walk: a RUNNABLE thread (running); a thread the buffer-request instrumentation reports inside a
 * request; a thread parked on its task's own mailbox ({@link TaskMailbox} tells the loop's wait for
 * work from a yield inside processing); a thread parked on any other {@link Condition} (waiting on
 * something of its own: a queue, a producer's buffer). Where the task's mailbox is not known (not
 * Flink, or before the task has built it), a thread parked on a Condition is taken as waiting for
 * work, as Flink's mailbox wait. Flink's buffer requests wait in {@code Object.wait} or
 * {@code CompletableFuture.get}, never on a Condition, so with user {@code frames} these threads
 * are walked too. The others are walked in one batched {@code getThreadInfo(ids, depth)} call,
 * bounded in depth, without locked monitors or synchronizers; the lock a thread waits for and its
 * owner come with it. Not thread-safe: owned by the sampler thread.
 */
public final class StackSampler {

    /** Receives each sampled thread's state, with the wait record it was added with. */
    public interface Sink {
        /**
         * @param lockClass for {@link ThreadState#LOCKED}: the class of the lock waited for, else null
         * @param lockOwner for {@link ThreadState#LOCKED}: the name of its owner thread, null when unknown
         */
        void sampled(Thread thread, TaskThreadName subtask, ThreadState state, ThreadWaits waits, String lockClass,
                     String lockOwner);
    }

    private final ThreadMXBean threads;
    private long[] ids = new long[64];
    private Thread[] waiting = new Thread[64];
    private TaskThreadName[] owners = new TaskThreadName[64];
    private ThreadWaits[] waits = new ThreadWaits[64];
    private boolean[] waitsForWork = new boolean[64];
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
     * @param mailbox     the subtask's task's mailbox, null when unknown
     */
    public void add(Thread thread, TaskThreadName subtask, ThreadWaits threadWaits, TaskMailbox mailbox,
                    BufferRequestFrames frames, Sink sink) {
        Thread.State state = thread.getState();
        if (state == Thread.State.TERMINATED) {
            return;
        }
        sampled++;
        if (threadWaits != null && threadWaits.waiting()) {
            sink.sampled(thread, subtask, ThreadState.IN_BUFFER_REQUEST, threadWaits, null, null);
            return;
        }
        if (state == Thread.State.RUNNABLE || state == Thread.State.NEW) {
            sink.sampled(thread, subtask, ThreadState.RUNNING, threadWaits, null, null);
            return;
        }
        Object blocker = LockSupport.getBlocker(thread);
        TaskMailbox.Wait mailboxWait = mailbox == null ? TaskMailbox.Wait.NOT_MAILBOX : mailbox.classify(blocker);
        if (mailboxWait != TaskMailbox.Wait.NOT_MAILBOX) {
            // The task's own mailbox: never a buffer request, so no user frame can be there either.
            sink.sampled(thread, subtask, mailboxWait == TaskMailbox.Wait.FOR_WORK
                    ? ThreadState.WAITING_FOR_WORK : ThreadState.WAITING_EXTERNAL, threadWaits, null, null);
            return;
        }
        boolean condition = blocker instanceof Condition;
        // Without the mailbox, a Condition is taken for Flink's mailbox wait, as Flink's own monitor did.
        boolean forWork = condition && mailbox == null;
        if (condition && frames.builtInOnly()) {
            sink.sampled(thread, subtask, forWork ? ThreadState.WAITING_FOR_WORK : ThreadState.WAITING_EXTERNAL,
                    threadWaits, null, null);
            return;
        }
        if (waitingCount == ids.length) {
            int grown = waitingCount * 2;
            ids = Arrays.copyOf(ids, grown);
            waiting = Arrays.copyOf(waiting, grown);
            owners = Arrays.copyOf(owners, grown);
            waits = Arrays.copyOf(waits, grown);
            waitsForWork = Arrays.copyOf(waitsForWork, grown);
        }
        ids[waitingCount] = thread.getId();
        waiting[waitingCount] = thread;
        owners[waitingCount] = subtask;
        waits[waitingCount] = threadWaits;
        waitsForWork[waitingCount] = forWork;
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
                ThreadState state = classify(info, waitsForWork[i], frames);
                boolean locked = state == ThreadState.LOCKED;
                sink.sampled(waiting[i], owners[i], state, waits[i], locked ? lockClass(info.getLockName()) : null,
                        locked ? info.getLockOwnerName() : null);
            }
        } finally {
            Arrays.fill(waiting, 0, waitingCount, null);
            Arrays.fill(owners, 0, waitingCount, null);
            Arrays.fill(waits, 0, waitingCount, null);
            waitingCount = 0;
        }
    }

    static ThreadState classify(ThreadInfo info, boolean forWork, BufferRequestFrames frames) {
        Thread.State state = info.getThreadState();
        if (state == Thread.State.RUNNABLE) {
            return ThreadState.RUNNING;
        }
        StackTraceElement[] stack = info.getStackTrace();
        if (frames.isBlocked(stack)) {
            return ThreadState.IN_BUFFER_REQUEST;
        }
        if (forWork || WorkWaitFrames.isWaitingForWork(stack)) {
            return ThreadState.WAITING_FOR_WORK;
        }
        if (state == Thread.State.BLOCKED || info.getLockOwnerName() != null) {
            return ThreadState.LOCKED; // a monitor, or a lock (AQS) another thread owns
        }
        if (info.getLockName() != null) {
            return ThreadState.WAITING_EXTERNAL; // Object.wait, a Condition, a future, a queue
        }
        // Neither a lock nor a blocker: Thread.sleep when timed (a timed park without a blocker is rare).
        return state == Thread.State.TIMED_WAITING ? ThreadState.SLEEPING : ThreadState.BUSY_OTHER;
    }

    /** {@code java.lang.Object@1b6d3586} → {@code java.lang.Object}. */
    static String lockClass(String lockName) {
        if (lockName == null) {
            return null;
        }
        int at = lockName.lastIndexOf('@');
        return at > 0 ? lockName.substring(0, at) : lockName;
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

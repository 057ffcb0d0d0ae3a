package dev.chokepoint.bench;

import org.apache.flink.runtime.io.network.buffer.LocalBufferPool;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;

/**
 * N threads that look to the agent like a Flink TaskManager's task threads: in the thread group
 * {@code Flink Task Threads}, named {@code Op<k> (<i>/<p>)#0}. Half of them (the even indices) wait
 * for a network buffer as Flink 1.12+ does, in {@link LocalBufferPool#requestBufferBuilderBlocking} (a
 * stand-in with Flink's class and method names, waiting in {@code CompletableFuture.get()}); the others
 * wait for mail in {@link FakeMailbox#take} ({@code Condition.await}, as Flink's {@code TaskMailboxImpl.take}),
 * except {@code running} of them that stay RUNNABLE doing light work. Each waits under {@code stackDepth}
 * frames of operator-chain calls, since a real task thread's stack is deep.
 */
public final class FakeTaskThreads implements AutoCloseable {

    /** The group the agent's default selector requires. */
    public static final String GROUP_NAME = "Flink Task Threads";
    /** What a thread waiting in {@code CompletableFuture.get()} is parked on. */
    static final String FUTURE_BLOCKER = "java.util.concurrent.CompletableFuture$Signaller";

    public enum Role {
        /** Parked in {@link LocalBufferPool#requestBufferBuilderBlocking}: backpressured. */
        BLOCKED_ON_BUFFER,
        /** Parked in {@link FakeMailbox#take}: idle. */
        IDLE_IN_MAILBOX,
        /** RUNNABLE, computing. */
        RUNNING
    }

    private final ThreadGroup group = new ThreadGroup(GROUP_NAME);
    private final List<FakeTaskThread> threads = new ArrayList<>();
    /** Completed only when the harness stops: no buffer ever becomes available before. */
    private final CompletableFuture<Void> bufferAvailable = new CompletableFuture<>();
    private final LocalBufferPool pool = new LocalBufferPool(bufferAvailable);
    private final FakeMailbox mailbox = new FakeMailbox(this);
    private final int stackDepth;
    private volatile boolean stopped;
    /** Keeps the running threads' work observable so that the JIT cannot drop it. */
    volatile long workSink;

    private FakeTaskThreads(int stackDepth) {
        this.stackDepth = stackDepth;
    }

    /**
     * Starts {@code count} threads; {@code parallelism} subtasks per fake operator. The caller should
     * {@link #awaitSettled} before measuring and must {@link #close} them.
     */
    public static FakeTaskThreads start(int count, int running, int parallelism, int stackDepth) {
        if (count < 1 || parallelism < 1 || stackDepth < 0) {
            throw new IllegalArgumentException("count, parallelism >= 1 and stackDepth >= 0 expected");
        }
        if (running < 0 || running > count / 2) {
            // only the odd indices (the half not waiting for a buffer) can run
            throw new IllegalArgumentException("running must be 0.." + count / 2 + " for " + count + " threads");
        }
        FakeTaskThreads fake = new FakeTaskThreads(stackDepth);
        for (int i = 0; i < count; i++) {
            FakeTaskThread thread = fake.new FakeTaskThread(i, roleOf(i, count, running), threadName(i, parallelism));
            thread.setDaemon(true);
            fake.threads.add(thread);
        }
        for (FakeTaskThread thread : fake.threads) {
            thread.start();
        }
        return fake;
    }

    /**
     * Even indices wait for a buffer; the last {@code running} odd indices run; the other odd ones idle.
     */
    static Role roleOf(int index, int count, int running) {
        if (index % 2 == 0) {
            return Role.BLOCKED_ON_BUFFER;
        }
        int oddIndices = count / 2;
        int oddOrdinal = index / 2; // 0 for index 1, 1 for index 3, ...
        return oddOrdinal >= oddIndices - running ? Role.RUNNING : Role.IDLE_IN_MAILBOX;
    }

    /** {@code Op<k> (<i>/<p>)#0}: thread {@code index} is subtask {@code index % p} of operator {@code index / p}. */
    static String threadName(int index, int parallelism) {
        return "Op" + index / parallelism + " (" + (index % parallelism + 1) + "/" + parallelism + ")#0";
    }

    /**
     * Waits until every waiting thread is parked where its role says (WAITING, having reached its wait,
     * parked on a {@code CompletableFuture$Signaller} or on a {@link Condition}) and every running
     * thread is RUNNABLE.
     */
    public void awaitSettled(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (!settled()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("fake task threads did not settle within " + timeout + " " + unit
                        + ": " + unsettled());
            }
            Thread.sleep(5);
        }
    }

    private boolean settled() {
        return unsettled().isEmpty();
    }

    private List<String> unsettled() {
        List<String> out = new ArrayList<>();
        for (FakeTaskThread t : threads) {
            Thread.State state = t.getState();
            Object blocker = LockSupport.getBlocker(t);
            boolean ok = switch (t.role) {
                case RUNNING -> state == Thread.State.RUNNABLE;
                case BLOCKED_ON_BUFFER -> state == Thread.State.WAITING && blocker != null
                        && FUTURE_BLOCKER.equals(blocker.getClass().getName());
                case IDLE_IN_MAILBOX -> state == Thread.State.WAITING && blocker instanceof Condition;
            };
            if (!t.arrived || !ok) {
                out.add(t.getName() + " " + t.role + " " + state + " on " + blocker);
            }
        }
        return out;
    }

    public List<FakeTaskThread> threads() {
        return Collections.unmodifiableList(threads);
    }

    public ThreadGroup group() {
        return group;
    }

    public int count(Role role) {
        int n = 0;
        for (FakeTaskThread t : threads) {
            if (t.role == role) {
                n++;
            }
        }
        return n;
    }

    boolean stopped() {
        return stopped;
    }

    /** Stops every thread and waits for it to end. */
    @Override
    public void close() {
        stopped = true;
        bufferAvailable.complete(null);
        for (FakeTaskThread t : threads) {
            t.interrupt();
        }
        for (FakeTaskThread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping the fake task threads", e);
            }
            if (t.isAlive()) {
                throw new IllegalStateException(t.getName() + " did not stop");
            }
        }
    }

    /** One fake task thread. */
    public final class FakeTaskThread extends Thread {

        private final int index;
        private final Role role;
        private volatile boolean arrived;

        FakeTaskThread(int index, Role role, String name) {
            super(group, name);
            this.index = index;
            this.role = role;
        }

        public int index() {
            return index;
        }

        public Role role() {
            return role;
        }

        void arrived() {
            arrived = true;
        }

        @Override
        public void run() {
            operatorChain(stackDepth);
        }

        /** Nests {@code depth} frames, as Flink's task, mailbox loop and operator chain do, then waits or works. */
        private void operatorChain(int depth) {
            if (depth > 0) {
                operatorChain(depth - 1);
                return;
            }
            switch (role) {
                case BLOCKED_ON_BUFFER -> requestBuffer();
                case IDLE_IN_MAILBOX -> mailbox.take(this);
                default -> work();
            }
        }

        /** As a Flink 1.12+ record writer asking for a buffer of a backpressured channel. */
        private void requestBuffer() {
            arrived = true;
            try {
                pool.requestBufferBuilderBlocking(index);
            } catch (InterruptedException e) {
                // the harness stops its threads by interrupting them
            }
        }

        /** Light CPU work that keeps the thread RUNNABLE, yielding often so that it shares the CPU. */
        private void work() {
            arrived = true;
            long x = index + 1;
            while (!stopped) {
                for (int i = 0; i < 1_000; i++) {
                    x ^= x << 13;
                    x ^= x >>> 7;
                    x ^= x << 17;
                }
                workSink = x;
                Thread.yield();
            }
        }
    }
}

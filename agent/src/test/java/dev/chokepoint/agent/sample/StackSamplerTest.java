package dev.chokepoint.agent.sample;

import dev.chokepoint.agent.classify.BufferRequestFrames;
import dev.chokepoint.agent.classify.ThreadState;
import dev.chokepoint.agent.instrument.ThreadWaits;
import dev.chokepoint.agent.instrument.WaitRecorder;
import dev.chokepoint.agent.config.FrameSignature;
import dev.chokepoint.agent.discover.TaskThreadName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Samples real threads of this JVM, parked where the test put them. */
class StackSamplerTest {

    private final List<Thread> threads = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition condition = lock.newCondition();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final BufferRequestFrames frames = new BufferRequestFrames(
            Collections.singletonList(new FrameSignature(StackSamplerTest.class.getName(), "requestBuffer")));

    @AfterEach
    void stopThreads() throws InterruptedException {
        stop.set(true);
        lock.lock();
        try {
            condition.signalAll();
        } finally {
            lock.unlock();
        }
        for (Thread thread : threads) {
            LockSupport.unpark(thread);
            thread.join(5000);
        }
    }

    @Test
    void onlyThreadsParkedInABufferRequestAreBlocked() throws Exception {
        Thread blocked = start("Blocked (1/3)#0", () -> requestBuffer(0));
        Thread idle = start("Idle (2/3)#0", this::parkUntilStopped);
        Thread busy = start("Busy (3/3)#0", this::spin);
        awaitState(blocked, Thread.State.WAITING);
        awaitState(idle, Thread.State.WAITING);
        awaitState(busy, Thread.State.RUNNABLE);

        Map<String, ThreadState> verdicts = sample(32, blocked, idle, busy);
        assertEquals(ThreadState.IN_BUFFER_REQUEST, verdicts.get("Blocked (1/3)#0"));
        assertEquals(ThreadState.WAITING_EXTERNAL, verdicts.get("Idle (2/3)#0"), "parked on its own business, not in a mailbox");
        assertEquals(ThreadState.RUNNING, verdicts.get("Busy (3/3)#0"));
    }

    @Test
    void aBufferRequestBelowTheDepthLimitIsNotSeen() throws Exception {
        Thread deep = start("Deep (1/1)#0", () -> requestBuffer(40));
        awaitState(deep, Thread.State.WAITING);
        assertEquals(ThreadState.WAITING_EXTERNAL, sample(8, deep).get("Deep (1/1)#0"));
        assertEquals(ThreadState.IN_BUFFER_REQUEST, sample(64, deep).get("Deep (1/1)#0"));
    }

    @Test
    void aThreadTheInstrumentationReportsInARequestIsSettledWithoutAWalk() throws Exception {
        WaitRecorder recorder = new WaitRecorder();
        Thread parked = start("Timed (1/1)#0", () -> {
            recorder.requestStarted(); // as the rewritten wait does before it waits
            parkUntilStopped();
        });
        awaitState(parked, Thread.State.WAITING);
        ThreadWaits waits = recorder.forThread(parked.getId());
        StackSampler sampler = new StackSampler(ManagementFactory.getThreadMXBean());
        Map<String, ThreadState> verdicts = new HashMap<>();
        Map<String, ThreadWaits> handedOn = new HashMap<>();
        StackSampler.Sink sink = (t, s, state, w, lockClass, lockOwner) -> {
            verdicts.put(s.subtaskName(), state);
            handedOn.put(s.subtaskName(), w);
        };
        sampler.add(parked, TaskThreadName.parseFlink(parked.getName()), waits, null, frames, sink);
        sampler.finish(frames, 16, sink);
        assertEquals(ThreadState.IN_BUFFER_REQUEST, verdicts.get("Timed (1/1)#0"));
        assertEquals(0, sampler.takeWalkedCount());
        assertSame(waits, handedOn.get("Timed (1/1)#0"), "the sink gets the record the thread was added with");
    }

    @Test
    void aThreadThatEndedIsNotSampled() throws Exception {
        Thread done = start("Done (1/1)#0", () -> { });
        done.join();
        StackSampler sampler = new StackSampler(ManagementFactory.getThreadMXBean());
        Map<String, ThreadState> verdicts = new HashMap<>();
        StackSampler.Sink sink = (t, s, state, w, lockClass, lockOwner) -> verdicts.put(s.subtaskName(), state);
        sampler.add(done, TaskThreadName.parseFlink(done.getName()), null, null, frames, sink);
        sampler.finish(frames, 32, sink);
        assertEquals(0, sampler.takeSampledCount());
        assertEquals(Collections.emptyMap(), verdicts);
    }

    @Test
    void withOnlyFlinksFramesAThreadAwaitingAConditionIsSettledWithoutAWalk() throws Exception {
        BufferRequestFrames flinkOnly = new BufferRequestFrames(Collections.<FrameSignature>emptyList());
        Thread mailbox = start("Mailbox (1/2)#0", () -> awaitCondition());
        Thread parked = start("Parked (2/2)#0", this::parkUntilStopped);
        awaitState(mailbox, Thread.State.WAITING);
        awaitState(parked, Thread.State.WAITING);

        StackSampler sampler = new StackSampler(ManagementFactory.getThreadMXBean());
        Map<String, ThreadState> verdicts = sample(sampler, flinkOnly, 16, mailbox, parked);
        assertEquals(ThreadState.WAITING_FOR_WORK, verdicts.get("Mailbox (1/2)#0"),
                "without the task's mailbox known, a Condition is taken for Flink's mailbox wait");
        assertEquals(ThreadState.WAITING_EXTERNAL, verdicts.get("Parked (2/2)#0"));
        assertEquals(1, sampler.takeWalkedCount(), "only the thread parked without a Condition is walked");
    }

    @Test
    void withUserFramesAThreadAwaitingAConditionIsWalked() throws Exception {
        Thread blocked = start("Blocked (1/1)#0", this::requestBufferOnACondition);
        awaitState(blocked, Thread.State.WAITING);
        StackSampler sampler = new StackSampler(ManagementFactory.getThreadMXBean());
        assertEquals(ThreadState.IN_BUFFER_REQUEST, sample(sampler, frames, 16, blocked).get("Blocked (1/1)#0"));
        assertEquals(1, sampler.takeWalkedCount());
    }

    @Test
    void aThreadBlockedOnAMonitorIsLockedAndNamesTheLockAndItsOwner() throws Exception {
        Object monitor = new Object();
        CountDownLatch held = new CountDownLatch(1);
        Thread owner = start("cache-refresher", () -> {
            synchronized (monitor) {
                held.countDown();
                parkUntilStopped();
            }
        });
        held.await();
        Thread blocked = start("Enrich (1/1)#0", () -> {
            synchronized (monitor) {
                stop.get();
            }
        });
        awaitState(blocked, Thread.State.BLOCKED);
        Map<String, String> locks = new HashMap<>();
        StackSampler sampler = new StackSampler(ManagementFactory.getThreadMXBean());
        StackSampler.Sink sink = (t, s, state, w, lockClass, lockOwner) -> {
            locks.put("state", state.name());
            locks.put("class", lockClass);
            locks.put("owner", lockOwner);
        };
        sampler.add(blocked, TaskThreadName.parseFlink(blocked.getName()), null, null, frames, sink);
        sampler.finish(frames, 16, sink);
        assertEquals(ThreadState.LOCKED.name(), locks.get("state"));
        assertEquals("java.lang.Object", locks.get("class"));
        assertEquals("cache-refresher", locks.get("owner"));
        stop.set(true);
        LockSupport.unpark(owner);
    }

    @Test
    void aThreadParkedOnALockAnotherThreadOwnsIsLocked() throws Exception {
        ReentrantLock shared = new ReentrantLock();
        CountDownLatch held = new CountDownLatch(1);
        Thread owner = start("holder", () -> {
            shared.lock();
            try {
                held.countDown();
                parkUntilStopped();
            } finally {
                shared.unlock();
            }
        });
        held.await();
        Thread waiting = start("Waiter (1/1)#0", () -> {
            shared.lock();
            shared.unlock();
        });
        awaitState(waiting, Thread.State.WAITING);
        assertEquals(ThreadState.LOCKED, sample(16, waiting).get("Waiter (1/1)#0"));
        stop.set(true);
        LockSupport.unpark(owner);
    }

    @Test
    void aSleepingThreadSleeps() throws Exception {
        Thread sleeping = start("Throttle (1/1)#0", () -> {
            while (!stop.get()) {
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        awaitState(sleeping, Thread.State.TIMED_WAITING);
        try {
            assertEquals(ThreadState.SLEEPING, sample(16, sleeping).get("Throttle (1/1)#0"));
        } finally {
            sleeping.interrupt();
        }
    }

    @Test
    void lockNamesLoseTheirIdentityHash() {
        assertEquals("java.lang.Object", StackSampler.lockClass("java.lang.Object@1b6d3586"));
        assertEquals("x", StackSampler.lockClass("x"));
        assertEquals(null, StackSampler.lockClass(null));
    }

    private Map<String, ThreadState> sample(int depth, Thread... toSample) {
        return sample(new StackSampler(ManagementFactory.getThreadMXBean()), frames, depth, toSample);
    }

    private static Map<String, ThreadState> sample(StackSampler sampler, BufferRequestFrames frames, int depth,
                                               Thread... toSample) {
        Map<String, ThreadState> verdicts = new HashMap<>();
        StackSampler.Sink sink = (thread, subtask, state, waits, lockClass, lockOwner) ->
                verdicts.put(subtask.subtaskName(), state);
        for (Thread thread : toSample) {
            sampler.add(thread, TaskThreadName.parseFlink(thread.getName()), null, null, frames, sink);
        }
        sampler.finish(frames, depth, sink);
        assertEquals(toSample.length, sampler.takeSampledCount());
        return verdicts;
    }

    /** Stands for a user's buffer pool that waits on a Condition; named by {@code frames}. */
    private void requestBufferOnACondition() {
        requestBuffer(0, true);
    }

    private void awaitCondition() {
        lock.lock();
        try {
            while (!stop.get()) {
                condition.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Stands for LocalBufferPool's blocking request, {@code nesting} frames below the caller's park. */
    private void requestBuffer(int nesting) {
        requestBuffer(nesting, false);
    }

    private void requestBuffer(int nesting, boolean onCondition) {
        if (nesting > 0) {
            requestBufferNested(nesting);
        } else if (onCondition) {
            awaitCondition();
        } else {
            parkUntilStopped();
        }
    }

    private void requestBufferNested(int nesting) {
        if (nesting == 0) {
            parkUntilStopped();
        } else {
            requestBufferNested(nesting - 1);
        }
    }

    private void parkUntilStopped() {
        while (!stop.get()) {
            LockSupport.park(this);
        }
    }

    private void spin() {
        long x = 0;
        while (!stop.get()) {
            x += System.nanoTime() & 1;
        }
        if (x == -1) {
            System.out.println(x);
        }
    }

    private Thread start(String name, Runnable body) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        Thread thread = new Thread(() -> {
            started.countDown();
            body.run();
        }, name);
        thread.setDaemon(true);
        thread.start();
        started.await();
        threads.add(thread);
        return thread;
    }

    private static void awaitState(Thread thread, Thread.State state) {
        await().until(() -> thread.getState() == state);
    }
}

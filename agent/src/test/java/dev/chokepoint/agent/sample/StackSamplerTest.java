package dev.chokepoint.agent.sample;

import dev.chokepoint.agent.classify.BufferRequestFrames;
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
import java.util.concurrent.locks.LockSupport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Samples real threads of this JVM, parked where the test put them. */
class StackSamplerTest {

    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final BufferRequestFrames frames = new BufferRequestFrames(
            Collections.singletonList(new FrameSignature(StackSamplerTest.class.getName(), "requestBuffer")));

    @AfterEach
    void stopThreads() throws InterruptedException {
        stop.set(true);
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

        Map<String, Boolean> verdicts = sample(32, blocked, idle, busy);
        assertEquals(Boolean.TRUE, verdicts.get("Blocked (1/3)#0"));
        assertEquals(Boolean.FALSE, verdicts.get("Idle (2/3)#0"));
        assertEquals(Boolean.FALSE, verdicts.get("Busy (3/3)#0"));
    }

    @Test
    void aBufferRequestBelowTheDepthLimitIsNotSeen() throws Exception {
        Thread deep = start("Deep (1/1)#0", () -> requestBuffer(40));
        awaitState(deep, Thread.State.WAITING);
        assertEquals(Boolean.FALSE, sample(8, deep).get("Deep (1/1)#0"));
        assertEquals(Boolean.TRUE, sample(64, deep).get("Deep (1/1)#0"));
    }

    @Test
    void aThreadThatEndedIsNotSampled() throws Exception {
        Thread done = start("Done (1/1)#0", () -> { });
        done.join();
        StackSampler sampler = new StackSampler(ManagementFactory.getThreadMXBean());
        Map<String, Boolean> verdicts = new HashMap<>();
        sampler.add(done, TaskThreadName.parseFlink(done.getName()), (s, b) -> verdicts.put(s.subtaskName(), b));
        sampler.finish(frames, 32, (s, b) -> verdicts.put(s.subtaskName(), b));
        assertEquals(0, sampler.takeSampledCount());
        assertEquals(Collections.emptyMap(), verdicts);
    }

    private Map<String, Boolean> sample(int depth, Thread... toSample) {
        StackSampler sampler = new StackSampler(ManagementFactory.getThreadMXBean());
        Map<String, Boolean> verdicts = new HashMap<>();
        StackSampler.Sink sink = (subtask, blocked) -> verdicts.put(subtask.subtaskName(), blocked);
        for (Thread thread : toSample) {
            sampler.add(thread, TaskThreadName.parseFlink(thread.getName()), sink);
        }
        sampler.finish(frames, depth, sink);
        assertEquals(toSample.length, sampler.takeSampledCount());
        return verdicts;
    }

    /** Stands for LocalBufferPool's blocking request, {@code nesting} frames below the caller's park. */
    private void requestBuffer(int nesting) {
        if (nesting > 0) {
            requestBufferNested(nesting);
            return;
        }
        parkUntilStopped();
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

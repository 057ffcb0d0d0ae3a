package dev.chokepoint.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * Stands in for Flink's {@code LocalBufferPool}: {@link #requestBuffer} never gets a buffer and
 * parks until the harness stops, as a task thread under backpressure does. The benchmark runs the
 * agent with {@code frames=dev.chokepoint.bench.FakeBufferPool#requestBuffer}, so the agent
 * classifies these threads as blocked, by a real stack walk.
 */
public final class FakeBufferPool {

    private final FakeTaskThreads owner;

    FakeBufferPool(FakeTaskThreads owner) {
        this.owner = owner;
    }

    /** Blocks until the harness stops: no buffer ever becomes available. */
    void requestBuffer(FakeTaskThreads.FakeTaskThread caller) {
        awaitSegment(caller);
    }

    private void awaitSegment(FakeTaskThreads.FakeTaskThread caller) {
        caller.arrived();
        while (!owner.stopped()) {
            LockSupport.park(this);
        }
    }
}

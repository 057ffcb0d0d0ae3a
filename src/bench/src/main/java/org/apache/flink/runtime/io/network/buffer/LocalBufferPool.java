package org.apache.flink.runtime.io.network.buffer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Benchmark stand-in, not Flink's class: its only purpose is to give the benchmark's fake task threads
 * Flink's real frame names and wait, so that the agent runs with its defaults (no {@code frames=}): its
 * buffer-request instrumentation rewrites this class's wait as it would Flink's, and with
 * {@code instrument=false} its built-in frames recognize the threads by a stack walk. No Flink code is
 * here or on the classpath; the tests against real Flink are in {@code src/e2e-*}.
 *
 * <p>It has the shape of Flink 1.12+'s wait for a network buffer: {@code requestBufferBuilderBlocking}
 * calls {@code requestMemorySegmentBlocking}, which waits in {@link CompletableFuture#get()} on the
 * pool's availability future, so the thread is WAITING in {@code LockSupport.park} with a
 * {@code CompletableFuture$Signaller} as its blocker. With the agent loaded, that {@code get()} call is
 * the one the agent replaces by its bridge method ({@code ChokepointBridge.awaitBuffer}), which makes the
 * same call and marks the thread as inside a buffer request while it waits. Here no buffer ever becomes
 * available: the future completes only when the harness stops.
 */
public final class LocalBufferPool {

    private final CompletableFuture<?> availableFuture;

    /** {@code availableFuture}: completed by the harness when it stops its threads, never before. */
    public LocalBufferPool(CompletableFuture<?> availableFuture) {
        this.availableFuture = availableFuture;
    }

    /** Waits until the harness stops, then returns null: there is never a buffer to return. */
    public Object requestBufferBuilderBlocking(int targetChannel) throws InterruptedException {
        return requestMemorySegmentBlocking(targetChannel);
    }

    private Object requestMemorySegmentBlocking(int targetChannel) throws InterruptedException {
        Object segment;
        while ((segment = requestMemorySegment(targetChannel)) == null && !availableFuture.isDone()) {
            try {
                availableFuture.get(); // as Flink 1.12+: getAvailableFuture().get()
            } catch (ExecutionException e) {
                throw new IllegalStateException("the availability future failed", e);
            }
        }
        return segment;
    }

    /** Flink 1.10+ has a non-blocking method of this name; here the pool is always empty. */
    private Object requestMemorySegment(int targetChannel) {
        return null;
    }
}

package dev.chokepoint.bootstrap;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The only class that code rewritten inside Flink's classes calls. It is injected into the
 * bootstrap class loader, so that it resolves from any class loader Flink runs in, and it depends
 * on nothing but the JDK: the agent installs a {@link Handler}, and without one every call only
 * does what the original call did.
 *
 * <p>The {@code await} methods stand in for the one call inside a buffer request where Flink waits
 * for a buffer (1.10+); {@code beforeWait}/{@code afterWait} surround it (≤1.9). They behave
 * exactly like that call (same result, same exceptions) and time it: a request that finds a buffer
 * free never reaches them, so it costs nothing.
 */
public final class ChokepointBridge {

    /**
     * The shape of this class and its nested classes. The bridge outlives a detach on the bootstrap
     * class path, so a later attach of another agent build may find this copy there and must not
     * link against it unless it is the shape that build was compiled for: bump this whenever a
     * member of the bridge that the agent or rewritten code uses is added, removed or changed
     * ({@code BootstrapBridgeTest} pins the members to it). The agent reads it by reflection, never
     * as a compile-time constant of the copy it found.
     */
    public static final int VERSION = 1;

    /** What the agent does when a blocking buffer request starts and ends. Must never throw. */
    public interface Handler {
        /** Returns the request's start time (non-zero), or 0 when it is not measured. */
        long requestStarted();

        void requestEnded(long startedNanos);
    }

    private static volatile Handler handler;
    /** The wait {@link #beforeWait} started on this thread and {@link #afterWait} has not ended yet. */
    private static final ThreadLocal<PendingWait> PENDING_WAIT = new ThreadLocal<PendingWait>();
    private static final AtomicLong HANDLER_FAILURES = new AtomicLong();

    private ChokepointBridge() {
    }

    /** Failures a handler let escape, swallowed here; the agent reports them. */
    public static long handlerFailures() {
        return HANDLER_FAILURES.get();
    }

    public static void install(Handler newHandler) {
        handler = newHandler;
    }

    /** Stands in for {@code future.get()} in {@code LocalBufferPool.requestMemorySegmentBlocking} (1.10+). */
    public static Object awaitBuffer(CompletableFuture<?> future) throws InterruptedException, ExecutionException {
        // The handler that saw the start sees the end, even if another is installed meanwhile.
        Handler h = handler;
        long started = started(h);
        try {
            return future.get();
        } finally {
            ended(h, started);
        }
    }

    /** Stands in for {@code future.get(timeout, unit)} in hybrid shuffle's {@code requestBufferBlockingFromPool}. */
    public static Object awaitBuffer(CompletableFuture<?> future, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        // The handler that saw the start sees the end, even if another is installed meanwhile.
        Handler h = handler;
        long started = started(h);
        try {
            return future.get(timeout, unit);
        } finally {
            ended(h, started);
        }
    }

    /**
     * Called right before {@code lock.wait(millis)} in {@code LocalBufferPool.requestMemorySegment(boolean)}
     * (1.5–1.9), with the wait's argument, which it returns; {@link #afterWait()} follows the wait.
     * Not a stand-in for the wait: Flink ≤1.9's own backpressure monitor reads only the top 3 frames
     * of a task thread and looks for {@code requestBufferBuilderBlocking} two below the wait, so no
     * frame of ours may be on the stack while the thread waits.
     */
    public static long beforeWait(long millis) {
        Handler h = handler;
        long started = started(h);
        if (started != 0L) {
            try {
                PendingWait pending = PENDING_WAIT.get();
                if (pending == null) {
                    pending = new PendingWait();
                    PENDING_WAIT.set(pending);
                }
                pending.handler = h;
                pending.startedNanos = started;
            } catch (Throwable t) {
                HANDLER_FAILURES.incrementAndGet(); // nothing of ours may reach Flink
            }
        }
        return millis;
    }

    /**
     * Ends the wait {@link #beforeWait} started on this thread, if any; also called when
     * {@code requestMemorySegment(boolean)} throws (an interrupted wait), so it may find none.
     */
    public static void afterWait() {
        try {
            PendingWait pending = PENDING_WAIT.get();
            if (pending != null && pending.startedNanos != 0L) {
                // The handler that saw the start sees the end, even if another is installed meanwhile.
                Handler h = pending.handler;
                long started = pending.startedNanos;
                pending.handler = null;
                pending.startedNanos = 0L;
                ended(h, started);
            }
        } catch (Throwable t) {
            HANDLER_FAILURES.incrementAndGet();
        }
    }

    /** Never throws: whatever a handler does, Flink's request goes on as if we were not there. */
    private static long started(Handler h) {
        if (h == null) {
            return 0L;
        }
        try {
            return h.requestStarted();
        } catch (Throwable t) {
            HANDLER_FAILURES.incrementAndGet();
            return 0L;
        }
    }

    private static void ended(Handler h, long startedNanos) {
        if (startedNanos != 0L) {
            if (h != null) {
                try {
                    h.requestEnded(startedNanos);
                } catch (Throwable t) {
                    HANDLER_FAILURES.incrementAndGet(); // nothing of ours may reach Flink
                }
            }
        }
    }

    /** One thread's wait between {@link #beforeWait} and {@link #afterWait}: written by that thread only. */
    static final class PendingWait {
        Handler handler;
        long startedNanos;
    }
}

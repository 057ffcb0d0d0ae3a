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
 * <p>The {@code await}/{@code waitFor} methods stand in for the one call inside a buffer request
 * where Flink waits for a buffer. They behave exactly like that call (same result, same
 * exceptions) and time it: a request that finds a buffer free never reaches them, so it costs
 * nothing.
 */
public final class ChokepointBridge {

    /** What the agent does when a blocking buffer request starts and ends. Must never throw. */
    public interface Handler {
        /** Returns the request's start time (non-zero), or 0 when it is not measured. */
        long requestStarted();

        void requestEnded(long startedNanos);
    }

    private static volatile Handler handler;
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

    /** Stands in for {@code lock.wait(millis)} in {@code LocalBufferPool.requestMemorySegment(boolean)} (1.5–1.9). */
    public static void waitForBuffer(Object lock, long millis) throws InterruptedException {
        // The handler that saw the start sees the end, even if another is installed meanwhile.
        Handler h = handler;
        long started = started(h);
        try {
            lock.wait(millis);
        } finally {
            ended(h, started);
        }
    }

    /** Never throws: whatever a handler does, Flink's request goes on as if we were not there. */
    public static long requestStarted() {
        return started(handler);
    }

    /** Never throws, as {@link #requestStarted()}. */
    public static void requestEnded(long startedNanos) {
        ended(handler, startedNanos);
    }

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
}

package dev.chokepoint.bootstrap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The stand-ins behave exactly like the calls they replace, whatever the handler does. */
class ChokepointBridgeTest {

    private static final ChokepointBridge.Handler FAILING = new ChokepointBridge.Handler() {
        @Override
        public long requestStarted() {
            throw new IllegalStateException("injected");
        }

        @Override
        public void requestEnded(long startedNanos) {
            throw new OutOfMemoryError("injected");
        }
    };

    @AfterEach
    void noHandler() {
        ChokepointBridge.install(null);
    }

    @Test
    void aFailingHandlerNeverReachesTheCaller() throws Exception {
        long failuresBefore = ChokepointBridge.handlerFailures();
        ChokepointBridge.install(FAILING);
        assertEquals("value", ChokepointBridge.awaitBuffer(CompletableFuture.completedFuture("value")));
        assertEquals("timed", ChokepointBridge.awaitBuffer(CompletableFuture.completedFuture("timed"), 1, TimeUnit.SECONDS));
        Object lock = new Object();
        synchronized (lock) {
            ChokepointBridge.waitForBuffer(lock, 1);
        }
        assertEquals(0L, ChokepointBridge.requestStarted());
        ChokepointBridge.requestEnded(1L);
        assertEquals(failuresBefore + 5, ChokepointBridge.handlerFailures(), "each failure counted");
    }

    @Test
    void theCallsOwnOutcomeIsKept() {
        ChokepointBridge.install(FAILING);
        IllegalArgumentException cause = new IllegalArgumentException("pool destroyed");
        CompletableFuture<Object> failed = new CompletableFuture<>();
        failed.completeExceptionally(cause);
        ExecutionException thrown = assertThrows(ExecutionException.class, () -> ChokepointBridge.awaitBuffer(failed));
        assertSame(cause, thrown.getCause());
        assertThrows(TimeoutException.class,
                () -> ChokepointBridge.awaitBuffer(new CompletableFuture<>(), 1, TimeUnit.MILLISECONDS));
        assertThrows(IllegalMonitorStateException.class, () -> ChokepointBridge.waitForBuffer(new Object(), 1));
    }

    @Test
    void withoutAHandlerNothingIsMeasured() throws Exception {
        assertEquals(0L, ChokepointBridge.requestStarted());
        assertEquals(42, ChokepointBridge.awaitBuffer(CompletableFuture.completedFuture(42)));
    }
}

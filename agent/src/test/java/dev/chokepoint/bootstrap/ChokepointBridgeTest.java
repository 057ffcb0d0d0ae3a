package dev.chokepoint.bootstrap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.awaitility.Awaitility.await;
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
        assertEquals(2000L, ChokepointBridge.beforeWait(2000L));
        ChokepointBridge.afterWait();
        assertEquals(failuresBefore + 3, ChokepointBridge.handlerFailures(), "each failure counted");
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
    }

    @Test
    void theHandlerThatSawAWaitStartSeesItEndEvenWhenTimingIsSwitchedOffMeanwhile() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        ChokepointBridge.install(new ChokepointBridge.Handler() {
            @Override
            public long requestStarted() {
                calls.add("started");
                return 7L;
            }

            @Override
            public void requestEnded(long startedNanos) {
                calls.add("ended " + startedNanos);
            }
        });
        CompletableFuture<Object> buffer = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                ChokepointBridge.awaitBuffer(buffer);
            } catch (Exception e) {
                calls.add("failed " + e);
            }
        });
        waiter.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.contains("started"));
        ChokepointBridge.install(null);
        buffer.complete("segment");
        waiter.join();
        assertEquals(Arrays.asList("started", "ended 7"), calls);
    }

    @Test
    void aMonitorWaitIsTimedBetweenBeforeAndAfterByTheHandlerThatSawItStart() {
        List<String> calls = new CopyOnWriteArrayList<>();
        ChokepointBridge.install(new ChokepointBridge.Handler() {
            @Override
            public long requestStarted() {
                calls.add("started");
                return 7L;
            }

            @Override
            public void requestEnded(long startedNanos) {
                calls.add("ended " + startedNanos);
            }
        });
        assertEquals(2000L, ChokepointBridge.beforeWait(2000L), "the wait's own argument goes on to the wait");
        ChokepointBridge.install(null);
        ChokepointBridge.afterWait();
        ChokepointBridge.afterWait(); // as after an exception out of the request: nothing left to end
        assertEquals(Arrays.asList("started", "ended 7"), calls);
    }

    @Test
    void withoutAHandlerTheCallsAreTheirOwn() throws Exception {
        long failuresBefore = ChokepointBridge.handlerFailures();
        assertEquals(42, ChokepointBridge.awaitBuffer(CompletableFuture.completedFuture(42)));
        assertEquals(5L, ChokepointBridge.beforeWait(5L));
        ChokepointBridge.afterWait();
        assertEquals(failuresBefore, ChokepointBridge.handlerFailures());
    }
}

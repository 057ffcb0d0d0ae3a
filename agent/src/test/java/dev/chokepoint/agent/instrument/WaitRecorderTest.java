package dev.chokepoint.agent.instrument;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The handler behind the advice, driven by real threads as the advice would drive it. */
class WaitRecorderTest {

    private final WaitRecorder recorder = new WaitRecorder();

    @Test
    void aWaitInProgressCountsAndEndsExactlyOnce() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread thread = new Thread(() -> {
            long started = recorder.requestStarted();
            inside.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            recorder.requestEnded(started);
        }, "Requester (1/1)#0");
        thread.start();
        assertTrue(inside.await(10, TimeUnit.SECONDS));

        ThreadWaits waits = recorder.forThread(thread.getId());
        assertNotNull(waits);
        assertEquals("Requester (1/1)#0", waits.threadName());
        assertTrue(waits.waiting());
        long now = System.nanoTime();
        long soFar = waits.takeBlockedSince(now + 5_000_000L);
        assertTrue(soFar >= 5_000_000L, "the wait in progress counts: " + soFar);

        release.countDown();
        thread.join();
        assertFalse(waits.waiting());
        long total = waits.blockedNanos(System.nanoTime());
        assertEquals(total, waits.blockedNanos(System.nanoTime() + 1_000_000_000L), "no wait in progress any more");
        long rest = waits.takeBlockedSince(System.nanoTime());
        assertTrue(rest >= 0);
        assertEquals(0, waits.takeBlockedSince(System.nanoTime()), "nothing new since");

        Histogram histogram = new Histogram(1, ThreadWaits.HIGHEST_MICROS, 2);
        waits.drainInto(histogram);
        assertEquals(1, histogram.getTotalCount());
        waits.drainInto(histogram);
        assertEquals(1, histogram.getTotalCount(), "each wait is drained once");
    }

    @Test
    void endedThreadsAreForgotten() throws Exception {
        Thread thread = new Thread(() -> recorder.requestEnded(recorder.requestStarted()), "Short (1/1)#0");
        thread.start();
        thread.join();
        assertEquals(1, recorder.threads());
        await().atMost(10, TimeUnit.SECONDS).until(() -> {
            recorder.forgetEndedThreads();
            return recorder.threads() == 0;
        });
        assertNull(recorder.forThread(thread.getId()));
    }

    @Test
    void requestsServedAtOnceCountInBlockedTimeButNotInWaitPercentiles() {
        ThreadWaits waits = new ThreadWaits(Thread.currentThread());
        long start = 1_000_000L;
        waits.started(start);
        waits.ended(start, start + ThreadWaits.MIN_RECORDED_NANOS - 1); // a free buffer: no wait
        waits.started(start + 10_000L);
        waits.ended(start + 10_000L, start + 10_000L + 2_500_000L); // a real wait of 2.5 ms
        Histogram histogram = new Histogram(1, ThreadWaits.HIGHEST_MICROS, 2);
        waits.drainInto(histogram);
        assertEquals(1, histogram.getTotalCount(), "only the real wait is in the percentiles");
        assertEquals(2500, histogram.getMaxValue(), 25);
        assertEquals(ThreadWaits.MIN_RECORDED_NANOS - 1 + 2_500_000L, waits.blockedNanos(start + 10_000_000L),
                "both count in the blocked time");
    }

    @Test
    void anEndWithoutAStartIsIgnored() {
        recorder.requestEnded(System.nanoTime());
        assertEquals(0, recorder.threads());
        assertEquals(0, recorder.errors());
    }
}

package dev.chokepoint.agent.instrument;

import dev.chokepoint.agent.log.AgentLog;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the bridge's handler ({@link BridgeLink}) records: runs on Flink's threads, inside buffer requests. After a thread's first
 * request (which registers it, under the table's lock) it allocates nothing, takes no lock and
 * never throws: a failure is counted and logged once, and the request goes on as if we were not there.
 */
public final class WaitRecorder {

    private final ThreadLocal<ThreadWaits> current = new ThreadLocal<>();
    private final ThreadWaitsTable byThreadId = new ThreadWaitsTable();
    private final AtomicLong errors = new AtomicLong();

    /** Returns the request's start time (non-zero), or 0 when it is not measured. Never throws. */
    public long requestStarted() {
        try {
            ThreadWaits waits = current.get();
            if (waits == null) {
                waits = new ThreadWaits(Thread.currentThread());
                current.set(waits);
                byThreadId.put(waits.threadId(), waits);
            }
            long now = System.nanoTime();
            if (now == 0L) {
                now = 1L; // 0 means "not measured" to the bridge
            }
            waits.started(now);
            return now;
        } catch (Throwable t) {
            failed(t);
            return 0L;
        }
    }

    /** Never throws. */
    public void requestEnded(long startedNanos) {
        try {
            ThreadWaits waits = current.get();
            if (waits != null) {
                waits.ended(startedNanos, System.nanoTime());
            }
        } catch (Throwable t) {
            failed(t);
        }
    }

    /** The waits of a thread that has made a blocking request, or null. */
    public ThreadWaits forThread(long threadId) {
        return byThreadId.get(threadId);
    }

    /** Forgets the threads that have ended, so that they leave nothing behind. */
    public void forgetEndedThreads() {
        byThreadId.removeEnded();
    }

    public int threads() {
        return byThreadId.size();
    }

    public long errors() {
        return errors.get();
    }

    private void failed(Throwable t) {
        errors.incrementAndGet();
        AgentLog.errorOnce("advice:" + t.getClass().getName(),
                "error while timing a buffer request (counted in the Agent MBean, reported once): " + t);
    }
}

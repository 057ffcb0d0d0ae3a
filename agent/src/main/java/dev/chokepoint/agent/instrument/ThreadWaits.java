package dev.chokepoint.agent.instrument;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.lang.ref.WeakReference;

/**
 * One thread's blocking buffer requests: written only by that thread (from the rewritten wait), read by
 * the sampler. Holds the thread only weakly, so that an ended thread is collected and then forgotten.
 */
public final class ThreadWaits {

    /** Waits are recorded in microseconds up to this bound; longer ones count as this long. */
    public static final long HIGHEST_MICROS = 10_000_000L;
    /**
     * Requests served at once (a buffer was free) take well under a microsecond; the wait
     * percentiles describe the requests that really waited, so those are left out of them.
     */
    static final long MIN_RECORDED_NANOS = 1_000L;

    private final long threadId;
    private final String threadName;
    private final WeakReference<Thread> thread;
    /**
     * Packed and auto-sized: a full histogram of this range is 18 KB, two of them per thread, and
     * only the few buckets a thread's waits fall in are used. Recording costs a little more, which
     * only a wait of a microsecond or more pays.
     */
    private final SingleWriterRecorder recorder = new SingleWriterRecorder(2, true);
    private volatile long waitStartNanos;
    private volatile long completedNanos;
    /** Waits recorded in the histogram so far (single writer, like the recorder). */
    private volatile long recordedWaits;
    /** Sampler thread only: {@link #recordedWaits} at the last drain. */
    private long drainedWaits;
    /** Sampler thread only: blocked time up to the previous tick. */
    private long sampledNanos;
    /** Sampler thread only: the histogram last handed out by the recorder, to be recycled. */
    private Histogram lastInterval;

    ThreadWaits(Thread thread) {
        this.threadId = thread.getId();
        this.threadName = thread.getName();
        this.thread = new WeakReference<>(thread);
    }

    boolean threadEnded() {
        Thread t = thread.get();
        return t == null || !t.isAlive();
    }

    public long threadId() {
        return threadId;
    }

    public String threadName() {
        return threadName;
    }

    void started(long nanos) {
        waitStartNanos = nanos;
    }

    void ended(long startedNanos, long endedNanos) {
        long waited = Math.max(0, endedNanos - startedNanos);
        // single writer: read-add-write of a volatile is safe here
        completedNanos = completedNanos + waited;
        waitStartNanos = 0L;
        if (waited >= MIN_RECORDED_NANOS) {
            recorder.recordValue(Math.min(HIGHEST_MICROS, waited / 1000));
            recordedWaits = recordedWaits + 1;
        }
    }

    /** True while the thread is inside a blocking buffer request. */
    public boolean waiting() {
        return waitStartNanos != 0L;
    }

    /** Time spent waiting so far, the wait in progress included, as of {@code nowNanos}. */
    public long blockedNanos(long nowNanos) {
        while (true) {
            long completed = completedNanos;
            long start = waitStartNanos;
            if (completed == completedNanos) {
                return start == 0L ? completed : completed + Math.max(0, nowNanos - start);
            }
            // a wait ended while we read: read again so it is not counted twice
        }
    }

    /** Sampler thread only: blocked time since the previous call (the wait in progress included). */
    public long takeBlockedSince(long nowNanos) {
        long total = blockedNanos(nowNanos);
        long delta = Math.max(0, total - sampledNanos);
        sampledNanos = Math.max(sampledNanos, total);
        return delta;
    }

    /** Sampler thread only: true when waits were recorded since the last {@link #drainInto}. */
    public boolean hasUndrainedWaits() {
        return recordedWaits != drainedWaits;
    }

    /** Sampler thread only: adds the waits recorded since the last call to {@code target}. */
    public void drainInto(Histogram target) {
        drainedWaits = recordedWaits; // read first: a wait recorded meanwhile is drained now or next time
        Histogram interval = recorder.getIntervalHistogram(lastInterval);
        target.add(interval);
        lastInterval = interval; // the recorder only takes back histograms it handed out
    }
}

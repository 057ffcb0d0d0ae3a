package dev.chokepoint.agent.aggregate;

import dev.chokepoint.agent.classify.SampleKind;
import dev.chokepoint.agent.classify.ThreadState;
import dev.chokepoint.agent.discover.TaskThreadName;
import dev.chokepoint.agent.flink.FlinkTask;
import dev.chokepoint.agent.instrument.ThreadWaits;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.PackedHistogram;

/**
 * One subtask: its sample window, blocked time and wait times, written by the sampler thread and
 * published through volatile fields for JMX readers. Holds the subtask's identity as strings, its
 * Flink task only through {@link FlinkTask}'s weak references, and never a thread.
 */
public final class SubtaskState {


    private final TaskThreadName name;
    private SampleWindow window;
    private BlockedTimeWindow blockedTime;
    private volatile long snapshot = SampleWindow.pack(0, 0, 0, 0);
    private volatile double blockedMsPerSecond;
    private volatile FlinkTask task;
    private volatile Histogram publishedWaits;
    /**
     * The wait records of the subtask's threads, drained once per window rather than at every tick:
     * a drain walks the whole histogram, which at every tick was most of a tick's cost.
     */
    private ThreadWaits taskThreadWaits;
    private ThreadWaits legacySourceWaits;
    private int ticksInWindow;
    private boolean bindAttempted;

    // this tick's observations
    private long seenAtTick = -1;
    private boolean anyInBufferRequest;
    private ThreadState taskThread;
    private ThreadState legacySourceThread;
    private long tickBlockedNanos;

    SubtaskState(TaskThreadName name, int windowSize) {
        this.name = name;
        resize(windowSize);
    }

    public TaskThreadName name() {
        return name;
    }

    /** Sample counts of the window; see {@link SampleWindow} for decoding. */
    public long snapshot() {
        return snapshot;
    }

    public double blockedMsPerSecond() {
        return blockedMsPerSecond;
    }

    /** The subtask's Flink task, for the buffer gauges; null when unknown (not Flink, or not readable). */
    public FlinkTask task() {
        return task;
    }

    /** Buffer-request waits over the last full window, in microseconds; null before the first one. */
    public Histogram waits() {
        return publishedWaits;
    }

    /** True until the sampler has tried to find this subtask's Flink task once. */
    public boolean needsBinding() {
        return !bindAttempted;
    }

    public void bind(FlinkTask flinkTask) {
        bindAttempted = true;
        task = flinkTask;
    }

    /** One of the subtask's threads was sampled in this tick. */
    void observe(long tick, boolean isLegacySourceThread, ThreadState state, ThreadWaits waits, long nowNanos) {
        if (seenAtTick != tick) {
            seenAtTick = tick;
            anyInBufferRequest = false;
            taskThread = null;
            legacySourceThread = null;
            tickBlockedNanos = 0;
        }
        anyInBufferRequest |= state == ThreadState.IN_BUFFER_REQUEST;
        if (isLegacySourceThread) {
            legacySourceThread = state;
        } else {
            taskThread = state;
        }
        if (waits != null) {
            tickBlockedNanos += waits.takeBlockedSince(nowNanos);
            if (isLegacySourceThread) {
                legacySourceWaits = waits;
            } else {
                taskThreadWaits = waits;
            }
        }
    }

    boolean seenAt(long tick) {
        return seenAtTick == tick;
    }

    /** Records the tick's sample: the executing thread is the legacy source thread where there is one. */
    void closeTick(long tickNanos) {
        ThreadState executing = legacySourceThread != null ? legacySourceThread : taskThread;
        boolean waitingForWork = !anyInBufferRequest && executing == ThreadState.WAITING_FOR_WORK;
        FlinkTask flinkTask = task;
        boolean outputUnavailable = waitingForWork && flinkTask != null && flinkTask.outputUnavailable();
        window.record(SampleKind.of(anyInBufferRequest, executing, outputUnavailable));
        snapshot = window.snapshot();
        blockedTime.record(tickBlockedNanos, tickNanos);
        blockedMsPerSecond = blockedTime.msPerSecond();
        if (++ticksInWindow >= window.size()) {
            ticksInWindow = 0;
            publishedWaits = drainWaits(); // read by JMX threads from now on: never written again
        }
    }

    void resize(int windowSize) {
        window = new SampleWindow(windowSize);
        blockedTime = new BlockedTimeWindow(windowSize);
        snapshot = window.snapshot();
        ticksInWindow = 0;
    }

    /**
     * The waits recorded since the previous window closed, or null when there were none. Forgets
     * the records, so that a thread that has ended is not kept past the window; the live ones are
     * seen again at the next tick.
     */
    private Histogram drainWaits() {
        Histogram waits = null;
        waits = drain(taskThreadWaits, waits);
        waits = drain(legacySourceWaits, waits);
        taskThreadWaits = null;
        legacySourceWaits = null;
        return waits;
    }

    private static Histogram drain(ThreadWaits threadWaits, Histogram into) {
        if (threadWaits == null || !threadWaits.hasUndrainedWaits()) {
            return into; // a thread parked in one long wait has nothing to drain: no histogram for it
        }
        // Packed: most of a full histogram's buckets stay empty, and there is one per subtask.
        Histogram waits = into != null ? into : new PackedHistogram(1, ThreadWaits.HIGHEST_MICROS, 2);
        threadWaits.drainInto(waits);
        return waits;
    }
}

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


    /** Reads a thread's CPU time in nanoseconds by its id, -1 when it cannot. */
    public interface CpuClock {
        long cpuNanos(long threadId);
    }

    private final TaskThreadName name;
    private SampleWindow window;
    private BlockedTimeWindow blockedTime;
    private RateWindow cpu;
    private final HotFrames hotFrames = new HotFrames();
    /** False while {@link #hotFrames} holds no read, so that a tick need not look at it. */
    private boolean hotReads;
    /** What the registry's listener keeps with this subtask (its MBean), so that it needs no lookup by name. */
    private Object exported;
    /** Odd while the sampler publishes {@link #snapshot} and {@link #busySnapshot}: a seqlock for readers of both. */
    private volatile int publishing;
    private volatile long snapshot = SampleWindow.pack(0, 0, 0, 0);
    private volatile long busySnapshot;
    private volatile double cpuFraction = Double.NaN;
    private volatile double gcFraction;
    private volatile String lockOwner = "";
    private volatile String lockClass = "";
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
    /**
     * Kept here from the windows, so that a tick that changes neither touches them: at 1,000
     * threads each object a tick need not touch is a cache miss fewer per subtask.
     */
    private int windowSize;
    /** {@link SampleWindow#uniformSlot()} after the last record. */
    private int uniformSlot = -1;
    /** What {@link BlockedTimeWindow#record} returned last: false, a tick blocked for 0 need not be recorded. */
    private boolean blockedInWindow;
    private boolean bindAttempted;
    /** Volatile: Flink's metric threads read it, so that a gauge of a subtask the agent has let go reads NaN. */
    private volatile boolean removed;
    /** Set by the registry that created it. */
    SubtaskRegistry holder;

    // this tick's observations
    private long seenAtTick = -1;
    private boolean anyInBufferRequest;
    private ThreadState taskThread;
    private ThreadState legacySourceThread;
    private long tickBlockedNanos;
    private long taskThreadId = -1;
    private long legacySourceThreadId = -1;
    private String tickLockClass;
    private String tickLockOwner;

    /** @param tickLengths the ticks' lengths, of the window's size, which the registry keeps for all subtasks */
    SubtaskState(TaskThreadName name, int windowSize, int checkpointsPerWindow, TickLengths tickLengths) {
        this.name = name;
        resize(windowSize, checkpointsPerWindow, tickLengths);
    }

    public TaskThreadName name() {
        return name;
    }

    /** Sample counts of the window; see {@link SampleWindow} for decoding. */
    public long snapshot() {
        return snapshot;
    }

    /**
     * {@link #snapshot()} and the busy samples' causes ({@link SampleWindow#busySnapshot()}) of the
     * same tick, as {@code {snapshot, busySnapshot}}.
     */
    public long[] snapshots() {
        while (true) {
            int before = publishing;
            if ((before & 1) == 0) {
                long kinds = snapshot;
                long causes = busySnapshot;
                if (publishing == before) {
                    return new long[] {kinds, causes};
                }
            }
            Thread.yield();
        }
    }

    /**
     * Sampler thread: the back-pressure ratio of the newest {@code samples} samples (a history
     * step's), of the whole window when it holds fewer; NaN when it holds none.
     */
    public double recentBackPressureRatio(int samples) {
        if (uniformSlot >= 0) {
            return SampleWindow.backPressured(uniformSlot) ? 1.0 : 0.0; // a full window of one kind: no walk
        }
        return window.recentBackPressureRatio(samples);
    }

    /** CPU time of the subtask's threads over wall time, over about the window; NaN until known. */
    public double cpuFraction() {
        return cpuFraction;
    }

    /** The JVM's GC pause share over about the window. */
    public double gcFraction() {
        return gcFraction;
    }

    /** The owner of the lock the subtask last waited for, within the window; empty when none. */
    public String lockOwner() {
        return lockOwner;
    }

    public String lockClass() {
        return lockClass;
    }

    public String[] hotFrames() {
        return hotFrames.top();
    }

    /** Sampler thread: a stack read of one of the subtask's busy threads, at {@code tick}. */
    public void hotStack(StackTraceElement[] stack, boolean runnable, long tick) {
        hotFrames.record(HotFrames.frameOf(stack), tick, runnable, HotFrames.inNativeIo(stack));
        hotReads = true;
    }

    /** Of the hot reads that found a thread RUNNABLE within the window, the share in native I/O; NaN without. */
    public double ioShareOfRunning() {
        return hotFrames.ioShareOfRunning();
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

    /** What the registry's listener attached to this subtask when it was added, or null. */
    public Object exported() {
        return exported;
    }

    public void exported(Object attachment) {
        exported = attachment;
    }

    /** The registry that holds this subtask now; a name that points here from elsewhere must look again. */
    boolean heldBy(SubtaskRegistry registry) {
        return !removed && holder == registry;
    }

    /** True once the registry has let the subtask go: its task ended, or the agent stopped. */
    public boolean removed() {
        return removed;
    }

    void markRemoved() {
        removed = true;
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
        observe(tick, isLegacySourceThread, -1L, state, waits, null, null, nowNanos);
    }

    /**
     * One of the subtask's threads was sampled in this tick.
     *
     * @param lockClass, lockOwner the lock a {@link ThreadState#LOCKED} thread waits for and its owner, else null
     */
    void observe(long tick, boolean isLegacySourceThread, long threadId, ThreadState state, ThreadWaits waits,
                 String lockClass, String lockOwner, long nowNanos) {
        if (seenAtTick != tick) {
            seenAtTick = tick;
            anyInBufferRequest = false;
            taskThread = null;
            legacySourceThread = null;
            tickBlockedNanos = 0;
            taskThreadId = -1;
            legacySourceThreadId = -1;
            tickLockClass = null;
            tickLockOwner = null;
        }
        anyInBufferRequest |= state == ThreadState.IN_BUFFER_REQUEST;
        if (isLegacySourceThread) {
            legacySourceThread = state;
            legacySourceThreadId = threadId;
        } else {
            taskThread = state;
            taskThreadId = threadId;
        }
        if (state == ThreadState.LOCKED && lockClass != null) {
            tickLockClass = lockClass;
            tickLockOwner = lockOwner;
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

    /**
     * Records the tick's sample: the executing thread is the legacy source thread where there is one.
     *
     * The tick's length must be in the registry's {@link TickLengths} already.
     *
     * @param checkpoint null, or (about once a second) the moment to read the subtask's CPU time
     * @return true when the published sample counts ({@link #snapshots()}) changed, so that the
     *         level may have; false when they are as after the previous tick
     */
    boolean closeTick(Checkpoint checkpoint) {
        ThreadState executing = legacySourceThread != null ? legacySourceThread : taskThread;
        boolean waitingForWork = !anyInBufferRequest && executing == ThreadState.WAITING_FOR_WORK;
        FlinkTask flinkTask = task;
        boolean outputUnavailable = waitingForWork && flinkTask != null && flinkTask.outputUnavailable();
        // A window that did not change has the counts published last: they are read from here
        // rather than from the window's counts, one cache miss fewer per subtask and tick.
        int slot = SampleWindow.slotOf(SampleKind.of(anyInBufferRequest, executing, outputUnavailable), executing);
        boolean recorded = slot != uniformSlot && window.record(slot);
        if (recorded) {
            uniformSlot = window.uniformSlot();
        }
        long kinds = recorded ? window.snapshot() : snapshot;
        long busy = recorded ? window.busySnapshot() : busySnapshot;
        // Volatile writes only for a change: a subtask in the same wait as for the whole window
        // publishes nothing new, and readers see the same counts either way.
        boolean changed = recorded && (kinds != snapshot || busy != busySnapshot);
        if (changed) {
            publishing++;
            snapshot = kinds;
            busySnapshot = busy;
            publishing++;
        }
        if (executing == ThreadState.LOCKED && tickLockClass != null) {
            lockClass = tickLockClass;
            lockOwner = tickLockOwner == null ? "" : tickLockOwner;
        } else if (SampleWindow.busyCount(busy, 0) == 0 && !lockClass.isEmpty()) {
            lockClass = "";
            lockOwner = "";
        }
        if (hotReads) {
            hotReads = hotFrames.expire(seenAtTick - windowSize + 1);
        }
        if (checkpoint != null) {
            gcFraction = checkpoint.gcFraction;
            if (SampleWindow.runningCount(snapshot, busy) > 0) {
                cpu.add(checkpoint.wallNanos, cpuNanos(checkpoint.clock));
                double rate = cpu.rate();
                cpuFraction = Double.isNaN(rate) ? Double.NaN : Math.max(0.0, rate);
            } else if (!Double.isNaN(cpuFraction)) {
                // Nothing ran in the window: the CPU time splits nothing, and is not worth a read
                // (about 1 us a thread). It starts over when the subtask runs again.
                cpu.clear();
                cpuFraction = Double.NaN;
            }
        }
        if (tickBlockedNanos != 0 || blockedInWindow) {
            blockedInWindow = blockedTime.record(tickBlockedNanos);
            // every tick is in the sample window too, and in its count of samples
            double blockedMs = blockedTime.msPerSecond(SampleWindow.samples(kinds));
            if (blockedMs != blockedMsPerSecond) {
                blockedMsPerSecond = blockedMs;
            }
        } else if (blockedMsPerSecond != 0.0) {
            blockedMsPerSecond = 0.0;
        }
        if (++ticksInWindow >= windowSize) {
            ticksInWindow = 0;
            publishedWaits = drainWaits(); // read by JMX threads from now on: never written again
        }
        return changed;
    }

    void resize(int windowSize, int checkpointsPerWindow, TickLengths tickLengths) {
        window = new SampleWindow(windowSize);
        this.windowSize = windowSize;
        uniformSlot = window.uniformSlot();
        blockedTime = new BlockedTimeWindow(windowSize, tickLengths);
        blockedInWindow = false;
        cpu = new RateWindow(checkpointsPerWindow + 1);
        cpuFraction = Double.NaN;
        publishing++;
        snapshot = window.snapshot();
        busySnapshot = window.busySnapshot();
        publishing++;
        ticksInWindow = 0;
    }

    /** The subtask's threads' CPU time now: the task thread's and the legacy source thread's; -1 when unreadable. */
    private long cpuNanos(CpuClock clock) {
        long task = taskThreadId < 0 ? 0L : clock.cpuNanos(taskThreadId);
        long source = legacySourceThreadId < 0 ? 0L : clock.cpuNanos(legacySourceThreadId);
        boolean none = taskThreadId < 0 && legacySourceThreadId < 0;
        return none || task < 0 || source < 0 ? -1L : task + source;
    }

    /** When and how the subtasks read their CPU time at a tick, with the JVM's GC share at that moment. */
    public static final class Checkpoint {
        final long wallNanos;
        final CpuClock clock;
        final double gcFraction;

        public Checkpoint(long wallNanos, CpuClock clock, double gcFraction) {
            this.wallNanos = wallNanos;
            this.clock = clock;
            this.gcFraction = gcFraction;
        }
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

package dev.chokepoint.agent.aggregate;

import dev.chokepoint.agent.classify.SampleKind;
import dev.chokepoint.agent.classify.ThreadState;

/**
 * The last {@code size} samples of one subtask, each a {@link SampleKind} and, for a busy one, the
 * busy thread's {@link ThreadState}, as a ring. Written by the sampler thread only; readers get a
 * consistent set of counts from one {@link #snapshot()} long: samples, hard, soft and idle in 16
 * bits each (busy is the rest), hence at most 65535 samples; and the busy samples' causes from
 * {@link #busySnapshot()}: locked, sleeping, waiting externally and other (running is the rest).
 */
public final class SampleWindow {

    public static final int MAX_SIZE = 0xFFFF;
    /** Slots 0..3 the kinds; 4.. the busy causes other than running, which {@link #RUNNING} stands for. */
    private static final int LOCKED = 4;
    private static final int SLEEPING = 5;
    private static final int EXTERNAL = 6;
    private static final int OTHER = 7;
    private static final int RUNNING = SampleKind.BUSY.ordinal();

    private final byte[] ring;
    private final int size;
    private final int[] counts = new int[8];
    private int next;
    private int samples;
    /** The slot of the last sample and how many samples in a row had it, up to {@link #size}. */
    private int lastSlot = -1;
    private int run;

    public SampleWindow(int size) {
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("window size " + size);
        }
        this.ring = new byte[size];
        this.size = size;
    }

    public void record(SampleKind kind) {
        record(kind, ThreadState.RUNNING);
    }

    /**
     * @param busyState for a busy sample, what its executing thread was doing
     * @return false when the window is as before, so that its counts need not be read again
     */
    public boolean record(SampleKind kind, ThreadState busyState) {
        return record(slotOf(kind, busyState));
    }

    /** The slot a sample counts in: its kind, or for a busy one its cause. */
    static int slotOf(SampleKind kind, ThreadState busyState) {
        return kind == SampleKind.BUSY ? busySlot(busyState) : kind.ordinal();
    }

    /** A sample by its {@link #slotOf slot}; see {@link #record(SampleKind, ThreadState)}. */
    boolean record(int slot) {
        if (slot == lastSlot && run == size) {
            // The window holds nothing but this sample: it would replace one of its kind, so
            // nothing changes, and since all are alike, neither does which one is the oldest.
            // A thread parked in the same wait tick after tick costs no write here.
            return false;
        }
        run = slot == lastSlot ? run + 1 : 1;
        lastSlot = slot;
        if (samples == size) {
            counts[ring[next]]--;
        } else {
            samples++;
        }
        ring[next] = (byte) slot;
        counts[slot]++;
        next = next + 1 == size ? 0 : next + 1;
        return true;
    }

    /**
     * The back-pressure ratio of the newest {@code n} samples, or of all the window holds when it
     * holds fewer; NaN when it holds none. Walks {@code n} slots: for a history step, not per tick.
     */
    public double recentBackPressureRatio(int n) {
        int k = Math.min(n, samples);
        if (k <= 0) {
            return Double.NaN;
        }
        int blocked = 0;
        int slot = next;
        for (int i = 0; i < k; i++) {
            slot = slot == 0 ? ring.length - 1 : slot - 1;
            if (backPressured(ring[slot])) {
                blocked++;
            }
        }
        return (double) blocked / k;
    }

    /**
     * The slot every sample of a full window has, -1 when they differ: recording a sample of that
     * slot changes nothing, which a caller that keeps this can know without touching the window.
     */
    int uniformSlot() {
        return run == size ? lastSlot : -1;
    }

    /** True for the slots of backpressured samples, hard or soft. */
    static boolean backPressured(int slot) {
        return slot == SampleKind.HARD.ordinal() || slot == SampleKind.SOFT.ordinal();
    }

    private static int busySlot(ThreadState state) {
        switch (state) {
            case LOCKED:
                return LOCKED;
            case SLEEPING:
                return SLEEPING;
            case WAITING_EXTERNAL:
                return EXTERNAL;
            case BUSY_OTHER:
                return OTHER;
            default:
                return RUNNING;
        }
    }

    /** Busy samples by cause: locked, sleeping, waiting externally, other, 16 bits each; running is busy minus these. */
    public long busySnapshot() {
        return pack(counts[LOCKED], counts[SLEEPING], counts[EXTERNAL], counts[OTHER]);
    }

    /** Busy samples whose thread was running: busy minus the other causes of {@code busySnapshot}. */
    public static int runningCount(long snapshot, long busySnapshot) {
        return count(snapshot, SampleKind.BUSY) - busyCount(busySnapshot, 0) - busyCount(busySnapshot, 1)
                - busyCount(busySnapshot, 2) - busyCount(busySnapshot, 3);
    }

    /** A count of {@link #busySnapshot()}: 0 locked, 1 sleeping, 2 waiting externally, 3 other. */
    public static int busyCount(long busySnapshot, int index) {
        return (int) (busySnapshot >>> (48 - 16 * index)) & 0xFFFF;
    }

    public int size() {
        return size;
    }

    public long snapshot() {
        return pack(samples, counts[SampleKind.HARD.ordinal()], counts[SampleKind.SOFT.ordinal()],
                counts[SampleKind.IDLE.ordinal()]);
    }

    public static long pack(int samples, int hard, int soft, int idle) {
        return ((long) samples << 48) | ((long) hard << 32) | ((long) soft << 16) | idle;
    }

    public static int samples(long snapshot) {
        return (int) (snapshot >>> 48) & 0xFFFF;
    }

    public static int count(long snapshot, SampleKind kind) {
        switch (kind) {
            case HARD:
                return (int) (snapshot >>> 32) & 0xFFFF;
            case SOFT:
                return (int) (snapshot >>> 16) & 0xFFFF;
            case IDLE:
                return (int) snapshot & 0xFFFF;
            default:
                return samples(snapshot) - count(snapshot, SampleKind.HARD) - count(snapshot, SampleKind.SOFT)
                        - count(snapshot, SampleKind.IDLE);
        }
    }

    /** Samples of {@code kind} / samples; 0 for an empty window. */
    public static double ratio(long snapshot, SampleKind kind) {
        int samples = samples(snapshot);
        return samples == 0 ? 0.0 : (double) count(snapshot, kind) / samples;
    }

    /** Backpressured (hard + soft) samples. */
    public static int backPressured(long snapshot) {
        return count(snapshot, SampleKind.HARD) + count(snapshot, SampleKind.SOFT);
    }

    /** Backpressured samples / samples: what the level is judged on. */
    public static double backPressureRatio(long snapshot) {
        int samples = samples(snapshot);
        return samples == 0 ? 0.0 : (double) backPressured(snapshot) / samples;
    }
}

package dev.chokepoint.agent.aggregate;

import dev.chokepoint.agent.classify.SampleKind;

/**
 * The last {@code size} samples of one subtask, each a {@link SampleKind}, as a ring. Written by
 * the sampler thread only; readers get a consistent set of counts from one {@link #snapshot()}
 * long: samples, hard, soft and idle in 16 bits each (busy is the rest), hence at most 65535 samples.
 */
public final class SampleWindow {

    public static final int MAX_SIZE = 0xFFFF;
    private static final SampleKind[] KINDS = SampleKind.values();

    private final byte[] ring;
    private final int[] counts = new int[KINDS.length];
    private int next;
    private int samples;

    public SampleWindow(int size) {
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("window size " + size);
        }
        this.ring = new byte[size];
    }

    public void record(SampleKind kind) {
        if (samples == ring.length) {
            counts[ring[next]]--;
        } else {
            samples++;
        }
        ring[next] = (byte) kind.ordinal();
        counts[kind.ordinal()]++;
        next = next + 1 == ring.length ? 0 : next + 1;
    }

    public int size() {
        return ring.length;
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

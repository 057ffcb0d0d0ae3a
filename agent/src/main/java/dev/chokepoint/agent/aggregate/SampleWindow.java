package dev.chokepoint.agent.aggregate;

/**
 * The last {@code size} samples of one subtask, blocked or not, as a ring. Written by the sampler
 * thread only; readers see a consistent (samples, blocked) pair through {@link #snapshot()}.
 */
public final class SampleWindow {

    private final boolean[] ring;
    private int next;
    private int samples;
    private int blocked;

    public SampleWindow(int size) {
        this.ring = new boolean[size];
    }

    public void record(boolean isBlocked) {
        if (samples == ring.length) {
            if (ring[next]) {
                blocked--;
            }
        } else {
            samples++;
        }
        ring[next] = isBlocked;
        if (isBlocked) {
            blocked++;
        }
        next = next + 1 == ring.length ? 0 : next + 1;
    }

    public int size() {
        return ring.length;
    }

    /** Both counts in one long, so that a JMX reader never pairs a new count with an old one. */
    public long snapshot() {
        return pack(samples, blocked);
    }

    public static long pack(int samples, int blocked) {
        return ((long) samples << 32) | (blocked & 0xFFFFFFFFL);
    }

    public static int samples(long snapshot) {
        return (int) (snapshot >>> 32);
    }

    public static int blocked(long snapshot) {
        return (int) snapshot;
    }

    public static double ratio(long snapshot) {
        int samples = samples(snapshot);
        return samples == 0 ? 0.0 : (double) blocked(snapshot) / samples;
    }
}

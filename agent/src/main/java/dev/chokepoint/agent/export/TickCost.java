package dev.chokepoint.agent.export;

import org.HdrHistogram.Histogram;

/**
 * What one sampling tick costs, in microseconds of wall time. The sampler records; JMX threads
 * read. A full window's histogram is published and a new one begun, so the figures follow the
 * current load instead of averaging over the JVM's whole life.
 */
public final class TickCost {

    private static final long HIGHEST_MICROS = 60_000_000L;

    private final Object lock = new Object();
    private Histogram current = new Histogram(HIGHEST_MICROS, 2);
    private Histogram published;
    private int windowTicks;
    private volatile double lastMicros = Double.NaN;

    public void record(long nanos, int ticksPerWindow) {
        long micros = Math.min(Math.max(1, nanos / 1000), HIGHEST_MICROS);
        lastMicros = nanos / 1000.0;
        synchronized (lock) {
            current.recordValue(micros);
            if (++windowTicks >= ticksPerWindow) {
                published = current;
                current = new Histogram(HIGHEST_MICROS, 2);
                windowTicks = 0;
            }
        }
    }

    public double lastMicros() {
        return lastMicros;
    }

    public double p99Micros() {
        synchronized (lock) {
            Histogram h = shown();
            return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(99.0);
        }
    }

    public double maxMicros() {
        synchronized (lock) {
            Histogram h = shown();
            return h.getTotalCount() == 0 ? Double.NaN : h.getMaxValue();
        }
    }

    private Histogram shown() {
        return published != null ? published : current;
    }
}

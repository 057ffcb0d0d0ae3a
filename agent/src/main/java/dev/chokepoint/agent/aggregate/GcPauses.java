package dev.chokepoint.agent.aggregate;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The share of wall time the JVM spent in garbage-collection pauses over about one window. Pauses
 * stop every thread at once, so this is JVM-wide. Collectors that report concurrent cycles rather
 * than pauses (G1's "G1 Concurrent GC", ZGC's and Shenandoah's "… Cycles") are left out: their
 * time runs beside the application.
 */
public final class GcPauses {

    private final List<GarbageCollectorMXBean> pausing = new ArrayList<>();
    private RateWindow window;

    public GcPauses(int points) {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            String name = gc.getName();
            if (!name.contains("Concurrent") && !name.contains("Cycles")) {
                pausing.add(gc);
            }
        }
        window = new RateWindow(points);
    }

    /** Sampler thread, at each checkpoint. */
    public void checkpoint(long wallNanos) {
        long millis = 0;
        for (GarbageCollectorMXBean gc : pausing) {
            long time = gc.getCollectionTime();
            if (time < 0) {
                window.add(wallNanos, -1L);
                return;
            }
            millis += time;
        }
        window.add(wallNanos, millis * 1_000_000L);
    }

    /** Paused share of wall time over the window, 0..1; 0 until two checkpoints. */
    public double fraction() {
        double rate = window.rate();
        return Double.isNaN(rate) ? 0.0 : Math.max(0.0, Math.min(1.0, rate));
    }

    public void resize(int points) {
        window = new RateWindow(points);
    }
}

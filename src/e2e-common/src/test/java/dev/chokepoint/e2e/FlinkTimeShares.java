package dev.chokepoint.e2e;

import dev.chokepoint.cli.jmx.TaskSnapshot;
import dev.chokepoint.e2e.FlinkMetricsOracle.TaskMetrics;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The agent's busy and idle shares of each subtask and Flink's, over one span of several agent
 * windows ending at this poll. Flink's come from its accumulated time gauges (1.16+:
 * {@code accumulateBusyTimeMs}, {@code accumulateIdleTimeMs}): their delta over the span divided by
 * the span (its per-second gauges average over up to 60 s and still carry a job's first seconds).
 * Ours: the mean of the agent's readings whose windows tile the span end to end (the readings
 * nearest to now, now − window, now − 2 windows, …).
 *
 * <p>Why a span of several windows: Flink adds a wait still going on to its counts only at its end
 * or at Flink's metric update (every 5 s), so at any moment they lag by up to the wait in progress.
 * Measured on 1.20.3 and 2.3.0 with the agent's 3 s window as the span: a task backpressured by a
 * slow keyed operator (Parse in the cause jobs) read busy 0.10–0.15 in Flink's counters in about 5%
 * of reads and 0.00–0.02 in the rest, and the agent 0.00 throughout: a wait of a few hundred
 * milliseconds in progress at the end of the span. Over three windows the same wait moves Flink's
 * share a third as far. Waits that could still move it by half the tolerance (Flink's own
 * {@code maxSoft/HardBackPressureTimeMs}, at either end of the span) leave the subtask without a
 * share for that poll; so does a subtask that Flink's {@code idleTimeMsPerSecond} calls mostly idle,
 * as Flink publishes no longest idle wait (the fast subtask of the key-skew sink, idle between
 * bursts, was off by more than 0.1 in 3 of 40 reads for that reason).
 */
final class FlinkTimeShares {

    /** Keys under which {@link #attach} puts the shares into a subtask's {@link TaskMetrics}. */
    static final String BUSY_SHARE = "busyShare";
    static final String IDLE_SHARE = "idleShare";
    static final String OUR_BUSY_SHARE = "ourBusyShare";
    static final String OUR_IDLE_SHARE = "ourIdleShare";

    private final long windowNanos;
    private final int windowSamples;
    private final int windows;
    /** Back-pressured waits this long or longer could put Flink's share off by half the tolerance: no share then. */
    private final double longWaitMillis;
    private final Map<String, Deque<Point>> history = new HashMap<>();

    /**
     * @param windowMillis  the agent's window (samples × delay)
     * @param windowSamples the agent's samples per window: a reading over fewer is not used
     * @param windows      how many windows make the span
     * @param tolerance    how far a share may be off
     */
    FlinkTimeShares(long windowMillis, int windowSamples, int windows, double tolerance) {
        this.windowNanos = windowMillis * 1_000_000L;
        this.windowSamples = windowSamples;
        this.windows = windows;
        this.longWaitMillis = windowMillis * windows * tolerance / 2;
    }

    /** The span over which shares are compared, in milliseconds. */
    long spanMillis() {
        return windowNanos * windows / 1_000_000L;
    }

    /**
     * Records this poll (Flink's accumulated times, the agent's ratios by {@link FlinkMetricsOracle#key})
     * and attaches both views' shares over the span to each subtask of {@code flink} that has them.
     */
    void attach(Map<String, TaskMetrics> flink, Map<String, TaskSnapshot> ours) {
        long now = System.nanoTime();
        long span = windowNanos * windows;
        for (Map.Entry<String, TaskMetrics> entry : flink.entrySet()) {
            TaskMetrics metrics = entry.getValue();
            double busy = metrics.number(FlinkMetricsOracle.ACC_BUSY_MS);
            double idle = metrics.number(FlinkMetricsOracle.ACC_IDLE_MS);
            if (Double.isNaN(busy) || Double.isNaN(idle)) {
                continue; // before 1.16, or a legacy source (Flink has no busy time for it)
            }
            TaskSnapshot task = ours.get(entry.getKey());
            if (task != null && task.samples < windowSamples) {
                task = null; // still filling its first window: not a share of the window's span
            }
            Deque<Point> points = history.computeIfAbsent(entry.getKey() + "@" + metrics.attempt,
                    k -> new ArrayDeque<>());
            double longestWait = Math.max(nanToZero(metrics.number(FlinkMetricsOracle.MAX_SOFT_BACK_PRESSURE_MS)),
                    nanToZero(metrics.number(FlinkMetricsOracle.MAX_HARD_BACK_PRESSURE_MS)));
            points.addLast(new Point(now, busy, idle, longestWait, task));
            // Keep the newest point that is at least a span old, and the ones after it.
            while (points.size() > 1) {
                Point first = points.removeFirst();
                if (now - points.peekFirst().nanos < span) {
                    points.addFirst(first);
                    break;
                }
            }
            Point from = points.peekFirst();
            boolean mostlyIdle = metrics.number(FlinkMetricsOracle.IDLE_MS) >= 500;
            if (now - from.nanos < span || longestWait >= longWaitMillis || from.longestWait >= longWaitMillis
                    || mostlyIdle) {
                continue;
            }
            double[] ourShares = ourShares(points, now);
            if (ourShares == null) {
                continue;
            }
            double elapsedMillis = (now - from.nanos) / 1e6;
            metrics.values.put(BUSY_SHARE, clamp((busy - from.flinkBusy) / elapsedMillis));
            metrics.values.put(IDLE_SHARE, clamp((idle - from.flinkIdle) / elapsedMillis));
            metrics.values.put(OUR_BUSY_SHARE, ourShares[0]);
            metrics.values.put(OUR_IDLE_SHARE, ourShares[1]);
        }
    }

    /**
     * The mean of the agent's readings nearest to now, now − window, …; null if one is missing or
     * more than half a window off (slow polls, e.g. of a JVM that spends most of its time in GC).
     */
    private double[] ourShares(Deque<Point> points, long now) {
        double busy = 0;
        double idle = 0;
        for (int i = 0; i < windows; i++) {
            long target = now - i * windowNanos;
            Point nearest = null;
            for (Point point : points) {
                if (point.task != null && (nearest == null
                        || Math.abs(point.nanos - target) < Math.abs(nearest.nanos - target))) {
                    nearest = point;
                }
            }
            if (nearest == null || Math.abs(nearest.nanos - target) > windowNanos / 2) {
                return null;
            }
            busy += nearest.task.busyRatio;
            idle += nearest.task.idleRatio;
        }
        return new double[] {busy / windows, idle / windows};
    }

    private static double clamp(double share) {
        return Math.max(0, Math.min(1, share));
    }

    private static double nanToZero(double value) {
        return Double.isNaN(value) ? 0.0 : value;
    }

    private static final class Point {
        final long nanos;
        final double flinkBusy;
        final double flinkIdle;
        final double longestWait;
        /** The agent's reading of the subtask at this poll; null if it had none. */
        final TaskSnapshot task;

        Point(long nanos, double flinkBusy, double flinkIdle, double longestWait, TaskSnapshot task) {
            this.nanos = nanos;
            this.flinkBusy = flinkBusy;
            this.flinkIdle = flinkIdle;
            this.longestWait = longestWait;
            this.task = task;
        }
    }
}

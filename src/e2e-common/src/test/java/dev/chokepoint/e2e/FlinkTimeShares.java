package dev.chokepoint.e2e;

import dev.chokepoint.e2e.FlinkMetricsOracle.TaskMetrics;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Flink's busy and idle shares of each subtask over the same span as the agent's window, from
 * Flink's accumulated time gauges (1.16+: {@code accumulateBusyTimeMs}, {@code accumulateIdleTimeMs})
 * read at each poll: the delta over the span divided by the span. Flink's per-second gauges average
 * over up to 60 s and still carry a job's first seconds; these deltas do not. Flink adds a wait still
 * going on to its counts only at its end or at Flink's metric update (every 5 s), so at any moment
 * its counts lag by up to the wait in progress, and a share over the span is off by up to the
 * longest wait divided by the span. A subtask whose back-pressured waits (Flink's own
 * {@code maxSoft/HardBackPressureTimeMs}, at either end of the span) reach half the tolerance times
 * the span gets no share: a task backpressured by a slow consumer that frees a buffer every few
 * hundred milliseconds is such a subtask, and its levels are compared by the other checks. Flink
 * publishes no longest idle wait, so a subtask its own {@code idleTimeMsPerSecond} calls mostly
 * idle gets no share either: a full-suite run of the key-skew scenario found the fast sink subtask,
 * idle between bursts, off by more than 0.1 in 3 of 40 reads for that reason.
 */
final class FlinkTimeShares {

    /** Keys under which {@link #attach} puts the shares into a subtask's {@link TaskMetrics}. */
    static final String BUSY_SHARE = "busyShare";
    static final String IDLE_SHARE = "idleShare";

    private final long spanNanos;
    /** Back-pressured waits this long or longer make Flink's accumulated counts lag too far: no share then. */
    private final double longWaitMillis;
    private final Map<String, Deque<double[]>> history = new HashMap<>();

    /** @param tolerance how far a share may be off; waits that could put Flink's own share off by half as much are not compared */
    FlinkTimeShares(long spanMillis, double tolerance) {
        this.spanNanos = spanMillis * 1_000_000L;
        this.longWaitMillis = spanMillis * tolerance / 2;
    }

    /** Records this poll's accumulated times and attaches the shares over the span to each subtask that has them. */
    void attach(Map<String, TaskMetrics> flink) {
        long now = System.nanoTime();
        for (Map.Entry<String, TaskMetrics> entry : flink.entrySet()) {
            TaskMetrics metrics = entry.getValue();
            double busy = metrics.number(FlinkMetricsOracle.ACC_BUSY_MS);
            double idle = metrics.number(FlinkMetricsOracle.ACC_IDLE_MS);
            if (Double.isNaN(busy) || Double.isNaN(idle)) {
                continue; // before 1.16, or a legacy source (Flink has no busy time for it)
            }
            Deque<double[]> points = history.computeIfAbsent(entry.getKey() + "@" + metrics.attempt,
                    k -> new ArrayDeque<>());
            double longestWait = Math.max(nanToZero(metrics.number(FlinkMetricsOracle.MAX_SOFT_BACK_PRESSURE_MS)),
                    nanToZero(metrics.number(FlinkMetricsOracle.MAX_HARD_BACK_PRESSURE_MS)));
            points.addLast(new double[] {now, busy, idle, longestWait});
            // Keep the newest point that is at least a span old, and the ones after it.
            while (points.size() > 1) {
                double[] first = points.removeFirst();
                if (now - points.peekFirst()[0] < spanNanos) {
                    points.addFirst(first);
                    break;
                }
            }
            double[] from = points.peekFirst();
            boolean mostlyIdle = metrics.number(FlinkMetricsOracle.IDLE_MS) >= 500;
            if (now - from[0] < spanNanos || longestWait >= longWaitMillis || from[3] >= longWaitMillis || mostlyIdle) {
                continue;
            }
            double elapsedMillis = (now - from[0]) / 1e6;
            metrics.values.put(BUSY_SHARE, Math.max(0, Math.min(1, (busy - from[1]) / elapsedMillis)));
            metrics.values.put(IDLE_SHARE, Math.max(0, Math.min(1, (idle - from[2]) / elapsedMillis)));
        }
    }

    private static double nanToZero(double value) {
        return Double.isNaN(value) ? 0.0 : value;
    }
}

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
 * going on to its counts only every 5 s (its metric update), so a share is exact only for waits much
 * shorter than the span: a subtask whose back-pressured waits last a second or more (Flink's own
 * {@code maxSoft/HardBackPressureTimeMs}) gets no share, Flink's counts being behind by up to 5 s
 * there. A task backpressured by a slow consumer that frees one buffer every few seconds is such a
 * subtask; its levels are compared by the other checks.
 */
final class FlinkTimeShares {

    /** Keys under which {@link #attach} puts the shares into a subtask's {@link TaskMetrics}. */
    static final String BUSY_SHARE = "busyShare";
    static final String IDLE_SHARE = "idleShare";

    /** Back-pressured waits this long or longer make Flink's accumulated counts lag: no share then. */
    static final double LONG_WAIT_MILLIS = 1000;

    private final long spanNanos;
    private final Map<String, Deque<double[]>> history = new HashMap<>();

    FlinkTimeShares(long spanMillis) {
        this.spanNanos = spanMillis * 1_000_000L;
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
            points.addLast(new double[] {now, busy, idle});
            // Keep the newest point that is at least a span old, and the ones after it.
            while (points.size() > 1) {
                double[] first = points.removeFirst();
                if (now - points.peekFirst()[0] < spanNanos) {
                    points.addFirst(first);
                    break;
                }
            }
            double[] from = points.peekFirst();
            if (now - from[0] < spanNanos || metrics.number(FlinkMetricsOracle.MAX_SOFT_BACK_PRESSURE_MS) >= LONG_WAIT_MILLIS
                    || metrics.number(FlinkMetricsOracle.MAX_HARD_BACK_PRESSURE_MS) >= LONG_WAIT_MILLIS) {
                continue;
            }
            double elapsedMillis = (now - from[0]) / 1e6;
            metrics.values.put(BUSY_SHARE, Math.max(0, Math.min(1, (busy - from[1]) / elapsedMillis)));
            metrics.values.put(IDLE_SHARE, Math.max(0, Math.min(1, (idle - from[2]) / elapsedMillis)));
        }
    }
}

package dev.chokepoint.e2e;

import dev.chokepoint.e2e.FlinkMetricsOracle.TaskMetrics;

/**
 * Flink 1.20: Flink states backpressure as {@code backPressuredTimeMsPerSecond} = soft + hard, the
 * ratio its REST endpoint maps through the level thresholds (ratio = ms / 1000). The gauges are
 * {@code TimerGauge}s averaged over the elapsed part of a 60 s window, in 5 s steps, so the first
 * step still carries the deploy time: the comparison starts once Flink's verdict is the expected
 * one (the warm-up), and after that both views see the same steady job. Soft vs hard: whichever of
 * {@code soft}/{@code hardBackPressuredTimeMsPerSecond} is larger. Its REST backpressure endpoint
 * ({@link FlinkRestBackPressure}) gives the ratio, {@code backPressuredTimeMsPerSecond} / 1000 as its
 * metric fetcher last read it, compared with the agent's BackPressureRatio.
 */
class Flink120BufferPoolTest extends FlinkBufferPoolScenario {

    @Override
    protected String flinkLevel(TaskMetrics flink) {
        return levelByBackPressuredTime(flink);
    }

    @Override
    protected boolean readsRestBackPressure() {
        return true;
    }

    @Override
    protected double flinkRatio(TaskMetrics flink) {
        return flink.number(FlinkRestBackPressure.RATIO);
    }

    @Override
    protected String flinkKind(TaskMetrics flink) {
        return kindBySoftHardTime(flink);
    }

    @Override
    protected String restJudgedBy() {
        return "flink"; // busyTimeMsPerSecond and backPressuredTimeMsPerSecond: 1.13+
    }
}

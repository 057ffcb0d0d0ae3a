package dev.chokepoint.e2e;

import dev.chokepoint.e2e.FlinkMetricsOracle.TaskMetrics;

/**
 * Flink 2.x: as 1.20, Flink states backpressure as {@code backPressuredTimeMsPerSecond} = soft +
 * hard (ratio = ms / 1000 through the level thresholds), and the kind as the larger of
 * {@code soft}/{@code hardBackPressuredTimeMsPerSecond} ({@code TaskIOMetricGroup} and the places
 * that time them are unchanged from 1.20, see docs/flink-buffer-pools.md §6).
 */
class Flink2BufferPoolTest extends FlinkBufferPoolScenario {

    @Override
    protected String flinkLevel(TaskMetrics flink) {
        return levelByBackPressuredTime(flink);
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

package dev.chokepoint.e2e;

import dev.chokepoint.e2e.FlinkMetricsOracle.TaskMetrics;

/**
 * Flink 1.12: Flink states backpressure as {@code isBackPressured}, sampled instantly: "some output
 * buffer pool of the task is unavailable" (what its REST monitor samples 100 times). Levels compare
 * as {@code isBackPressured} true ⇔ HIGH. No soft/hard split and no backpressure time (1.13+).
 */
class Flink112BufferPoolTest extends FlinkBufferPoolScenario {

    @Override
    protected String flinkLevel(TaskMetrics flink) {
        if (!flink.has(FlinkMetricsOracle.IS_BACK_PRESSURED)) {
            return null;
        }
        return flink.number(FlinkMetricsOracle.IS_BACK_PRESSURED) == 1 ? HIGH : OK;
    }

    @Override
    protected String restJudgedBy() {
        return "none"; // no busy or backpressured time before 1.13: only the agent's metrics judge
    }
}

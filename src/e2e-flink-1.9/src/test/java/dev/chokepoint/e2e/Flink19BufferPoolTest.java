package dev.chokepoint.e2e;

import dev.chokepoint.e2e.FlinkMetricsOracle.TaskMetrics;

import java.util.Arrays;
import java.util.List;

/**
 * Flink 1.9: Flink states backpressure only through its REST monitor
 * ({@link FlinkRestBackPressure}): the share of 100 stack samples of a subtask's task thread that
 * are inside {@code LocalBufferPool.requestBufferBuilderBlocking}, mapped through the level
 * thresholds. Its metrics have the pool usages ({@code Shuffle.Netty.*.Buffers.*}; the floating and
 * exclusive input usages only with Netty, i.e. 2 TaskManagers), but no {@code isBackPressured}, no
 * soft/hard split and no time gauges.
 *
 * <p>Every task with an input waits inside the buffer request when its output is full (hard), and
 * there is no FLIP-27 source. A legacy source runs in its own {@code Legacy Source Thread}, which
 * Flink samples instead of the task thread ({@code SourceStreamTask.getExecutingThread}), as the
 * agent does.
 */
class Flink19BufferPoolTest extends FlinkBufferPoolScenario {

    @Override
    protected List<String> childJvmArgs() {
        // Flink 1.9 predates JDK 9+ encapsulation.
        return Arrays.asList(
                "--add-exports", "java.base/sun.net.util=ALL-UNNAMED",
                "--add-opens", "java.base/java.nio=ALL-UNNAMED");
    }

    @Override
    protected boolean readsRestBackPressure() {
        return true;
    }

    @Override
    protected String flinkLevel(TaskMetrics flink) {
        return flink.has(FlinkRestBackPressure.LEVEL) ? (String) flink.values.get(FlinkRestBackPressure.LEVEL) : null;
    }

    @Override
    protected double flinkRatio(TaskMetrics flink) {
        return flink.number(FlinkRestBackPressure.RATIO);
    }

    @Override
    protected boolean hasFlip27Sources() {
        return false;
    }

    @Override
    protected String fullOutputKind() {
        return HARD;
    }

    @Override
    protected boolean creditBasedGaugesAlways() {
        return false;
    }

    @Override
    protected boolean bridgeFrameInBufferWaits() {
        return false;
    }
}

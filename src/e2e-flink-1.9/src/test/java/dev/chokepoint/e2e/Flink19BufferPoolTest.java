package dev.chokepoint.e2e;

import dev.chokepoint.cli.testing.JavaProcess;
import dev.chokepoint.e2e.FlinkMetricsOracle.TaskMetrics;
import org.junit.jupiter.api.BeforeEach;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 *
 * <p>Only on JDKs where {@code Object.wait(long)} is native (up to 18): from JDK 19 on it is Java
 * code that calls {@code wait0}, the top 3 frames of a waiting task thread are {@code wait0},
 * {@code wait}, {@code requestMemorySegment}, and Flink 1.9's own monitor calls every task OK
 * (seen on JDK 25, without the agent's code on the stack). {@link Flink19BackpressureTest} runs there.
 */
class Flink19BufferPoolTest extends FlinkBufferPoolScenario {

    /** The first JDK whose {@code Object.wait(long)} is not native (virtual threads). */
    private static final int FIRST_JDK_WITH_WAIT0 = 19;

    @BeforeEach
    void flinkCanSeeTheWaitOnThisJdk() {
        int jdk = JavaProcess.javaFeatureVersion();
        assumeTrue(jdk < FIRST_JDK_WITH_WAIT0, "Flink 1.9's REST monitor cannot see buffer waits on JDK " + jdk
                + " (Object.wait(long) calls wait0: requestBufferBuilderBlocking is below its top 3 frames)");
    }

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

    @Override
    protected String restJudgedBy() {
        return "none"; // no busy or backpressured time before 1.13: only the agent's metrics judge
    }

    @Override
    protected boolean restTellsTaskManagers() {
        return false; // taskmanager-id in the vertex details from 1.12 on; 1.9 gives the host only
    }
}

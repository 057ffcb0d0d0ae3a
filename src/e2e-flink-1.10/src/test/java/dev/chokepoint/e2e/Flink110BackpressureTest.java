package dev.chokepoint.e2e;

import java.util.Arrays;
import java.util.List;

/**
 * Flink 1.10, the one version whose blocking buffer request is the no-argument
 * {@code LocalBufferPool.requestMemorySegmentBlocking()} waiting in {@code CompletableFuture.get()}:
 * the legacy source's {@code Legacy Source Thread} blocks hard there, so its measured blocked time
 * is near one second per second only if the agent instrumented that method. The map's task thread
 * parks in its mailbox while its output is full (soft backpressure, as from 1.10 on). Both are
 * HIGH, the sink OK: the expectations every version shares
 * ({@link FlinkBackpressureScenario#expectedLevels()}, {@link FlinkBackpressureScenario#hardVertices()}).
 */
class Flink110BackpressureTest extends FlinkBackpressureScenario {

    @Override
    protected List<String> childJvmArgs() {
        // Flink 1.10 predates JDK 9+ encapsulation.
        return Arrays.asList(
                "--add-exports", "java.base/sun.net.util=ALL-UNNAMED",
                "--add-opens", "java.base/java.nio=ALL-UNNAMED");
    }
}

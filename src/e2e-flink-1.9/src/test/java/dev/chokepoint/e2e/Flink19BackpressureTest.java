package dev.chokepoint.e2e;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Flink 1.9: every task thread, the map's included, blocks hard in
 * {@code LocalBufferPool.requestBufferBuilderBlocking} when its output is full, so the source and
 * the map are HIGH; the sink, the bottleneck, is OK (the levels every version shares). Unlike later
 * versions, the map's samples are hard too.
 */
class Flink19BackpressureTest extends FlinkBackpressureScenario {

    @Override
    protected Set<String> hardVertices() {
        return new HashSet<>(Arrays.asList(BackpressureJob.SOURCE_VERTEX, BackpressureJob.MAP_VERTEX));
    }

    @Override
    protected List<String> childJvmArgs() {
        // Flink 1.9 predates JDK 9+ encapsulation.
        return Arrays.asList(
                "--add-exports", "java.base/sun.net.util=ALL-UNNAMED",
                "--add-opens", "java.base/java.nio=ALL-UNNAMED");
    }
}

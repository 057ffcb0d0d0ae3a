package dev.chokepoint.e2e;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Flink 2.x, as 1.20: the legacy source (2.x's {@code ...source.legacy} API) runs in its
 * {@code Legacy Source Thread}, which blocks hard in {@code requestMemorySegmentBlocking}; the map's
 * task thread parks in its mailbox while its output is full (soft). Both HIGH, the sink OK.
 */
class Flink2BackpressureTest extends FlinkBackpressureScenario {

    @Override
    protected Map<String, String> expectedLevels() {
        return levels(
                BackpressureJob.SOURCE_VERTEX, HIGH,
                BackpressureJob.MAP_VERTEX, HIGH,
                BackpressureJob.SINK_VERTEX, OK);
    }

    @Override
    protected Set<String> hardVertices() {
        return new HashSet<>(Arrays.asList(BackpressureJob.SOURCE_VERTEX));
    }

    @Override
    protected List<String> childJvmArgs() {
        return Collections.emptyList();
    }
}

package dev.chokepoint.e2e;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Flink 1.20: the legacy source's {@code Legacy Source Thread} blocks hard in
 * {@code requestMemorySegmentBlocking}, so the source is HIGH and the sink OK. The map's task
 * thread parks in the mailbox when its output is full (soft backpressure), a stack that looks
 * like an idle task: its level is printed, not asserted.
 */
class Flink120BackpressureTest extends FlinkBackpressureScenario {

    @Override
    protected Map<String, String> expectedLevels() {
        return levels(
                BackpressureJob.SOURCE_VERTEX, HIGH,
                BackpressureJob.MAP_VERTEX, null,
                BackpressureJob.SINK_VERTEX, OK);
    }

    @Override
    protected List<String> childJvmArgs() {
        return Collections.emptyList();
    }
}

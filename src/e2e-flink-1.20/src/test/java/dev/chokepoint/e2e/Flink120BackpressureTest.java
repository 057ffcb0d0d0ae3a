package dev.chokepoint.e2e;

/**
 * Flink 1.20: the legacy source's {@code Legacy Source Thread} blocks hard in
 * {@code requestMemorySegmentBlocking}; the map's task thread parks in its mailbox while its output
 * is full (soft backpressure, a stack like an idle task's, told apart by the output pool's
 * availability). Both are HIGH, the sink OK: the expectations every version shares
 * ({@link FlinkBackpressureScenario#expectedLevels()}, {@link FlinkBackpressureScenario#hardVertices()}).
 */
class Flink120BackpressureTest extends FlinkBackpressureScenario {
}

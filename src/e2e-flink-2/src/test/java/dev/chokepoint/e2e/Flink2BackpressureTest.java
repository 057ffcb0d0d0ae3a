package dev.chokepoint.e2e;

/**
 * Flink 2.x, as 1.20: the legacy source (2.x's {@code ...source.legacy} API) runs in its
 * {@code Legacy Source Thread}, which blocks hard in {@code requestMemorySegmentBlocking}; the map's
 * task thread parks in its mailbox while its output is full (soft). Both HIGH, the sink OK: the
 * expectations every version shares ({@link FlinkBackpressureScenario#expectedLevels()},
 * {@link FlinkBackpressureScenario#hardVertices()}).
 */
class Flink2BackpressureTest extends FlinkBackpressureScenario {
}

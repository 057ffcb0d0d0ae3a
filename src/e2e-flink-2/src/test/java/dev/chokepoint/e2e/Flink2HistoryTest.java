package dev.chokepoint.e2e;

/** Flink 2.x: temporary, persistent and no backpressure over 75 s. */
class Flink2HistoryTest extends FlinkHistoryScenario {
}

package dev.chokepoint.e2e;

/** Flink 1.20: temporary, persistent and no backpressure over 75 s. */
class Flink120HistoryTest extends FlinkHistoryScenario {
}

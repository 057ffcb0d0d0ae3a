package dev.chokepoint.e2e;

/** Flink 2.x: two jobs of equal names in one TaskManager. */
class Flink2SharedTaskManagerTest extends FlinkSharedTaskManagerScenario {
}

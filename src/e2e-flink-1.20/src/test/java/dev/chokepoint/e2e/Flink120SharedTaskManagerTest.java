package dev.chokepoint.e2e;

/** Flink 1.20: two jobs of equal names in one TaskManager. */
class Flink120SharedTaskManagerTest extends FlinkSharedTaskManagerScenario {
}

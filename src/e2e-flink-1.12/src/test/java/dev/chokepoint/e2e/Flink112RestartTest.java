package dev.chokepoint.e2e;

/** Flink 1.12: a restart binds every subtask to its new attempt. */
class Flink112RestartTest extends FlinkRestartScenario {
}

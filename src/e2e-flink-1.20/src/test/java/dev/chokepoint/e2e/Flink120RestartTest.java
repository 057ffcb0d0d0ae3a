package dev.chokepoint.e2e;

/** Flink 1.20: a restart binds every subtask to its new attempt. */
class Flink120RestartTest extends FlinkRestartScenario {
}

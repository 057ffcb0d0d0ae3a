package dev.chokepoint.e2e;

/** Flink 2.x, as 1.20: StreamTask and the mailbox moved to flink-runtime, the fields are the same. */
class Flink2CauseTest extends FlinkCauseScenario {
}

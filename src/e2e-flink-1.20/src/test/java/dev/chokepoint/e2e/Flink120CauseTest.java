package dev.chokepoint.e2e;

/** Flink 1.20: the idle and soft back-pressure timers tell the mailbox's wait for work from a yield. */
class Flink120CauseTest extends FlinkCauseScenario {
}

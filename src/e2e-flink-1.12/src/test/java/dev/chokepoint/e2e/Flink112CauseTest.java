package dev.chokepoint.e2e;

/**
 * Flink 1.12: waiting for work is the mailbox's wait with the default action suspended
 * ({@code MailboxProcessor.suspendedDefaultAction}); a yield inside processing (async I/O's full
 * queue) is busy. Flink 1.12 has no busy or idle time of its own to compare the shares with.
 */
class Flink112CauseTest extends FlinkCauseScenario {

    @Override
    protected boolean flinkHasBusyTime() {
        return false;
    }
}

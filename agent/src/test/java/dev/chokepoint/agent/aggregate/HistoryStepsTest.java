package dev.chokepoint.agent.aggregate;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HistoryStepsTest {

    private static final long MS = 1_000_000L;

    @Test
    void aStepEndsEveryStepOfTicksAndCountsItsTicks() {
        HistorySteps steps = new HistorySteps();
        long now = 5_000 * MS;
        assertEquals(0, steps.tick(now, 1000)); // starts the count
        int ended = 0;
        for (int i = 1; i <= 40; i++) {
            ended += steps.tick(now + i * 50 * MS, 1000);
            if (i == 20) {
                assertEquals(1, ended);
                assertEquals(20, steps.stepTicks());
            }
        }
        assertEquals(2, ended);
        assertEquals(20, steps.stepTicks());
    }

    @Test
    void aStallEndsSeveralStepsAtOnceAndKeepsThePhase() {
        HistorySteps steps = new HistorySteps();
        assertEquals(0, steps.tick(0, 1000));
        assertEquals(0, steps.tick(500 * MS, 1000));
        assertEquals(3, steps.tick(3_700 * MS, 1000));
        assertEquals(2, steps.stepTicks());
        assertEquals(0, steps.tick(3_900 * MS, 1000));
        assertEquals(1, steps.tick(4_000 * MS, 1000));
    }

    @Test
    void aNewStepStartsOver() {
        HistorySteps steps = new HistorySteps();
        steps.tick(0, 1000);
        assertEquals(0, steps.tick(900 * MS, 2000));
        assertEquals(0, steps.tick(2_800 * MS, 2000));
        assertEquals(1, steps.tick(2_900 * MS, 2000));
    }
}

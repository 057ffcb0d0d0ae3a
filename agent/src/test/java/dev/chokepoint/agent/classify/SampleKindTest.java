package dev.chokepoint.agent.classify;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SampleKindTest {

    @ParameterizedTest
    @CsvSource({
        // a thread in a buffer request makes the sample hard, whatever else
        "true,  WAITING_FOR_WORK,  true,  HARD",
        "true,  RUNNING,              false, HARD",
        // waiting for work: soft when it cannot write, idle when it can (Flink 1.15+ checks output first)
        "false, WAITING_FOR_WORK,  true,  SOFT",
        "false, WAITING_FOR_WORK,  false, IDLE",
        // running, or waiting on its own business, is busy even with an unavailable output
        "false, RUNNING,              true,  BUSY",
        "false, RUNNING,              false, BUSY",
    })
    void classifiesAsFlinkSplitsTime(boolean inRequest, ThreadState executing, boolean outputUnavailable,
                                     SampleKind expected) {
        assertEquals(expected, SampleKind.of(inRequest, executing, outputUnavailable));
    }
}

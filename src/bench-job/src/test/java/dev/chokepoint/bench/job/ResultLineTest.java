package dev.chokepoint.bench.job;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultLineTest {

    @Test
    void whatTheChildPrintsTheParentReadsBack() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("records", 123456L);
        values.put("nanos", 20_000_000_000L);
        values.put("agentConfig", "samples=100,delay=10ms");
        String line = ResultLine.format(values);

        ResultLine read = ResultLine.last(List.of("some Flink output", "[chokepoint] started", line, "shutting down"), "log");
        assertEquals(123456L, read.longValue("records"));
        assertEquals(20.0, read.longValue("nanos") / 1e9);
        assertEquals("samples=100,delay=10ms", read.string("agentConfig"));
        assertTrue(read.has("records"));
        assertFalse(read.has("agentTicks"));
    }

    @Test
    void theLastResultLineCountsAndOneIsRequired() {
        ResultLine read = ResultLine.last(List.of(ResultLine.PREFIX + "records=1", ResultLine.PREFIX + "records=2"), "log");
        assertEquals(2, read.longValue("records"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ResultLine.last(List.of("Exception in thread main"), "run.log"));
        assertTrue(e.getMessage().contains("run.log"), e.getMessage());
    }

    @Test
    void valuesWithSpacesAreRefusedRatherThanMisread() {
        assertThrows(IllegalArgumentException.class, () -> ResultLine.format(Map.of("config", "a b")));
        assertThrows(IllegalArgumentException.class, () -> ResultLine.parse("records"));
    }

    @Test
    void aRunIsRecordsPerSecondOfItsWindow() {
        Run run = Run.of(ResultLine.parse("records=3000000 nanos=2000000000 cpuNanos=3000000000"));
        assertEquals(1_500_000.0, run.recordsPerSecond(), 1e-6);
        assertEquals(1.5, run.cpuCores(), 1e-9);
        assertEquals(1_000_000.0, run.recordsPerCpuSecond(), 1e-6);
        assertTrue(Double.isNaN(run.agentTicksPerSecond()));
        assertThrows(IllegalStateException.class,
                () -> Run.of(ResultLine.parse("records=0 nanos=2000000000 cpuNanos=1")));
    }
}

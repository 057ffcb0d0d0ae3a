package dev.chokepoint.bench.job;

import org.junit.jupiter.api.Test;

import java.nio.file.Paths;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OverheadReportTest {

    private static final List<JobConfig> CONFIGS = JobConfig.parse(";delay=10ms", Paths.get("/a/agent.jar"));

    @Test
    void configurationsAreNoAgentThenEachAgentArgument() {
        assertEquals(3, CONFIGS.size());
        assertNull(CONFIGS.get(0).agentOption());
        assertEquals("-javaagent:/a/agent.jar", CONFIGS.get(1).agentOption());
        assertEquals("-javaagent:/a/agent.jar=delay=10ms", CONFIGS.get(2).agentOption());
        assertEquals("delay-10ms", CONFIGS.get(2).slug());
        assertThrows(IllegalArgumentException.class, () -> JobConfig.parse(";", Paths.get("/a/agent.jar")));
    }

    @Test
    void ratiosAreTakenWithinEachRoundAgainstThatRoundsRunWithoutAgent() {
        OverheadReport report = new OverheadReport(CONFIGS, 3);
        // the machine gets slower from round to round: per-round ratios are not fooled by it
        add(report, 1, 1000, 990, 970);
        add(report, 2, 500, 495, 485);
        add(report, 3, 800, 800, 760);
        assertEquals(List.of(1000.0, 500.0, 800.0), report.throughputs(0));
        List<Double> defaults = report.ratios(1);
        assertEquals(0.99, defaults.get(0), 1e-12);
        assertEquals(0.99, defaults.get(1), 1e-12);
        assertEquals(1.0, defaults.get(2), 1e-12);
        assertEquals(0.97, Stats.of(report.ratios(2)).median(), 1e-12);
        assertEquals(0.95, Stats.of(report.ratios(2)).min(), 1e-12);
    }

    @Test
    void anIncompleteRoundIsLeftOutOfTheRatios() {
        OverheadReport report = new OverheadReport(CONFIGS, 2);
        add(report, 1, 1000, 990, 970);
        report.add(2, 0, run(100));
        assertEquals(1, report.ratios(1).size());
        String table = report.markdown("footer");
        assertTrue(table.contains("| agent, delay=10ms | 970 (970–970) | 97.0% |"), table);
        assertTrue(table.contains("| 2 | 100 | – | – |"), table);
    }

    private static void add(OverheadReport report, int round, double a, double b, double c) {
        report.add(round, 0, run(a));
        report.add(round, 1, run(b));
        report.add(round, 2, run(c));
    }

    private static Run run(double recordsPerSecond) {
        return new Run(recordsPerSecond, 2.0, 20.0, "samples=100");
    }
}

package dev.chokepoint.cli.report;

import dev.chokepoint.cli.jmx.AgentSettings;
import dev.chokepoint.cli.jmx.TaskSnapshot;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.chokepoint.cli.report.Tasks.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TableReportTest {

    private static final List<TaskSnapshot> SOURCE_AND_MAP = List.of(
            task("Map", 0, 1).ratio(0).busy(0.9).out(0.2).in(0, 0, 0).build(),
            task("Source: S", 0, 1).ratio(0.75).out(1.0).build());

    private static List<String> render(AgentSettings settings, List<TaskSnapshot> tasks) {
        return new TableReport(false).render(new Snapshot(42, "0.1.0-test", 1700000000000L, settings, tasks));
    }

    private static String last(List<String> lines) {
        return lines.get(lines.size() - 1);
    }

    @Test
    void theLegendShowsTheThresholdsOfTheAgentInTheTarget() {
        String legend = last(render(new AgentSettings(100, 50, 0.2, 0.7), SOURCE_AND_MAP));
        assertTrue(legend.contains(";  OK <= 0.20 < LOW <= 0.70 < HIGH;  "), legend);

        assertEquals("OK <= 0.00 < LOW <= 1.00 < HIGH", TableReport.thresholds(new AgentSettings(10, 5, 0, 1)));
    }

    @Test
    void withTheDefaultSettingsTheTableIsAsItWas() {
        assertEquals(String.join("\n",
                "Chokepoint 0.1.0-test - JVM 42",
                "window 100/100 samples",
                "",
                "VERTEX / SUBTASK     LEVEL  RATIO   HARD   SOFT   BUSY   IDLE  OUTPOOL  INPOOL  FLOAT   EXCL  BP ms/s",
                "Source: S            HIGH    0.75",
                "  Source: S (1/1)#0  HIGH    0.75   0.38   0.38   0.10   0.15     100%       -      -      -     750",
                "Map                  OK      0.00",
                "  Map (1/1)#0        OK      0.00   0.00   0.00   0.90   0.10      20%      0%     0%     0%       0",
                "",
                "Where it comes from  (job order guessed)",
                "  job order: Source: S HIGH -> Map OK",
                "  origin: Map - Map is not backpressured (OK 0.00) but its input Source: S is (HIGH 0.75); it is busy 90%"
                        + " of the time; pools: input usages all 0 (local channels only): the pools cannot tell, the samples"
                        + " do (job order guessed: the agent does not report the job topology)",
                "  Source: S -> Map: input usages all 0 (local channels only): the pools cannot tell, the samples do",
                "      Source: S outPool 100%; Map inPool 0%, floating 0%, exclusive 0%, outPool 20%",
                "      table 1: inPool low, outPool low: fine",
                "      table 2: floating low + an upstream outPool high: potential network bottleneck",
                "",
                "ratio = (hard + soft) samples / samples: hard = blocked in a buffer request, soft = waiting for work with"
                        + " an output pool full;  OK <= 0.10 < LOW <= 0.50 < HIGH;  pool usage high >= 80%"),
                String.join("\n", render(AgentSettings.DEFAULTS, SOURCE_AND_MAP)));
    }

    @Test
    void theWindowIsTheAgentsSamplesSetting() {
        List<TaskSnapshot> warming = List.of(task("Source: S", 0, 1).samples(37).build(), task("Map", 0, 1).samples(40).build());
        assertEquals("window 37/40 samples (warming up: levels are provisional)",
                render(new AgentSettings(40, 10, 0.1, 0.5), warming).get(1));
        List<TaskSnapshot> full = List.of(task("Source: S", 0, 1).samples(40).build());
        assertEquals("window 40/40 samples", render(new AgentSettings(40, 10, 0.1, 0.5), full).get(1));
        assertEquals("window 40 samples", render(new AgentSettings(40, 10, 0.1, 0.5), List.of()).get(1));
    }

    @Test
    void levelsAreColoredOnATerminal() {
        List<String> lines = new TableReport(true).render(
                new Snapshot(42, "0.1.0-test", 1700000000000L, AgentSettings.DEFAULTS, SOURCE_AND_MAP));
        String table = String.join("\n", lines);
        assertTrue(table.contains("\u001b[1;31mHIGH \u001b[0m"), table);
        assertTrue(table.contains("\u001b[32mOK   \u001b[0m"), table);
    }
}

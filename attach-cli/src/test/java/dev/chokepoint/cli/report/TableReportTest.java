package dev.chokepoint.cli.report;

import dev.chokepoint.cli.jmx.TaskHistory;
import dev.chokepoint.api.Persistence;
import dev.chokepoint.api.Episode;
import dev.chokepoint.api.Cause;
import dev.chokepoint.cli.jmx.AgentSettings;
import dev.chokepoint.cli.jmx.TaskSnapshot;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.chokepoint.cli.report.Tasks.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void severalJobsEachHaveTheirTableAndTheirOrigins() {
        String a = "aaaaaaaa000000000000000000000001";
        String b = "bbbbbbbb000000000000000000000002";
        List<String> lines = render(AgentSettings.DEFAULTS, List.of(
                task("Parse", 0, 1).ratio(0.9).out(1.0).job("Orders", a).dataSets(List.of("pa"), List.of()).build(),
                task("Sink: alpha", 0, 1).ratio(0).busy(0.96).in(0, 0, 0).job("Orders", a).dataSets(List.of(), List.of("pa")).build(),
                task("Sink: zulu", 0, 1).ratio(0).busy(0.97).in(0, 0, 0).job("Orders", a).dataSets(List.of(), List.of("pa")).build(),
                task("Parse", 0, 1).ratio(0).busy(0.01).out(0).job("Orders", b).dataSets(List.of("pb"), List.of()).build(),
                task("Sink: alpha", 0, 1).ratio(0).busy(0.01).in(0, 0, 0).job("Orders", b).dataSets(List.of(), List.of("pb")).build()));

        assertEquals(List.of("Job Orders (" + a + ")", "Job Orders (" + b + ")"),
                lines.stream().filter(l -> l.startsWith("Job ")).collect(java.util.stream.Collectors.toList()));
        List<String> origins = lines.stream().filter(l -> l.startsWith("  origin: "))
                .map(l -> l.substring(0, l.indexOf(" - "))).collect(java.util.stream.Collectors.toList());
        assertEquals(List.of("  origin: Sink: alpha", "  origin: Sink: zulu", "  origin: none"), origins, String.join("\n", lines));
        assertEquals(2, lines.stream().filter(l -> l.startsWith("  Parse (1/1)#0")).count(), "two Parse subtasks, one per job");
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
                "VERTEX / SUBTASK     LEVEL  RATIO   HARD   SOFT   BUSY   IDLE  OUTPOOL  INPOOL  FLOAT   EXCL  BP ms/s  CAUSE",
                "Source: S            HIGH    0.75",
                "  Source: S (1/1)#0  HIGH    0.75   0.38   0.38   0.10   0.15     100%       -      -      -     750   -",
                "Map                  OK      0.00",
                "  Map (1/1)#0        OK      0.00   0.00   0.00   0.90   0.10      20%      0%     0%     0%       0   CPU",
                "",
                "Where it comes from  (job order guessed)",
                "  job order: Source: S HIGH -> Map OK",
                "  origin: Map - Map is not backpressured (OK 0.00) but its input Source: S is (HIGH 0.75); it is busy 90%"
                        + " of the time; pools: input usages all 0 (local channels only): the pools cannot tell, the samples"
                        + " do (job order guessed: the agent does not report the job topology)",
                "  why: CPU: busy 90%: CPU 90%",
                "  what to do: " + Cause.CPU.advice(),
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
    void theOriginsCauseEvidenceAndAdviceAndEachSubtasksCause() {
        List<String> lines = render(AgentSettings.DEFAULTS, List.of(
                task("Source: S", 0, 1).ratio(0.9).out(1.0).dataSets(List.of("s"), List.of()).build(),
                task("Locked", 0, 2).causes(0.05, 0, 0.9, 0, 0, 0, 0).hotFrames("dev.x.Cache.get 95%")
                        .dataSets(List.of(), List.of("s")).build(),
                task("Locked", 1, 2).causes(0.05, 0, 0.8, 0, 0, 0, 0).lock("java.lang.Object", "cache-refresher")
                        .dataSets(List.of(), List.of("s")).build()));

        assertEquals("  Source: S (1/1)#0  HIGH    0.90   0.45   0.45   0.10   0.00     100%       -      -      -     900   -",
                lines.get(5));
        assertEquals("  Locked (1/2)#0     OK      0.00   0.00   0.00   0.95   0.05        -       -      -      -       0   LOCK",
                lines.get(7));
        assertEquals("  Locked (2/2)#0     OK      0.00   0.00   0.00   0.85   0.15        -       -      -      -       0   LOCK",
                lines.get(8));
        int origin = lines.indexOf("  job order: Source: S HIGH -> Locked OK") + 1;
        assertEquals("  origin: Locked - Locked is not backpressured (OK 0.00) but its input Source: S is (HIGH 0.90);"
                + " it is busy 95% of the time; pools: potential network bottleneck",
                lines.get(origin));
        assertEquals("  why: LOCK: busy 90%: LOCK 85%; blocked on java.lang.Object held by 'cache-refresher'",
                lines.get(origin + 1));
        assertEquals("  what to do: " + Cause.LOCK.advice(), lines.get(origin + 2));
    }

    @Test
    void noOriginNoWhy() {
        List<String> lines = render(AgentSettings.DEFAULTS, List.of(task("Source: S", 0, 1).build()));
        assertTrue(lines.contains("  origin: none - no vertex is backpressured"), lines::toString);
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("  why: ") || l.startsWith("  what to do: ")),
                lines::toString);
    }

    @Test
    void theWindowIsTheAgentsSamplesSetting() {
        List<TaskSnapshot> warming = List.of(task("Source: S", 0, 1).samples(37).build(), task("Map", 0, 1).samples(40).build());
        assertEquals("window 37/40 samples (warming up: 37 of 40 samples, levels are provisional)",
                render(new AgentSettings(40, 10, 0.1, 0.5), warming).get(1));
        List<TaskSnapshot> full = List.of(task("Source: S", 0, 1).samples(40).build());
        assertEquals("window 40/40 samples", render(new AgentSettings(40, 10, 0.1, 0.5), full).get(1));
        assertEquals("window 40 samples", render(new AgentSettings(40, 10, 0.1, 0.5), List.of()).get(1));
    }

    @Test
    void aVertexWithHistoryShowsItsPersistenceSparklineAndEpisodes() {
        long end = 1700000000000L;
        double[] ratios = new double[75];
        for (int i = 0; i < 75; i++) {
            ratios[i] = i % 25 < 8 ? 0.9 : 0;
        }
        TaskHistory periodic = new TaskHistory(Persistence.TEMPORARY, List.of(
                new Episode(end - 75_000, end - 67_000, 8_000, "HIGH", 0.9, ""),
                new Episode(end - 50_000, end - 42_000, 8_000, "HIGH", 0.9, ""),
                new Episode(end - 25_000, end - 17_000, 8_000, "HIGH", 0.9, "")), ratios, 1000, end);
        List<TaskSnapshot> tasks = List.of(task("Source: S", 0, 1).ratio(0.75).out(1.0).history(periodic).build(),
                task("Map", 0, 1).ratio(0).busy(0.9).out(0.2).in(0, 0, 0).build());

        List<String> ascii = new TableReport(false).render(new Snapshot(42, "0.1.0-test", end, AgentSettings.DEFAULTS, tasks));
        String row = ascii.stream().filter(l -> l.startsWith("Source: S")).findFirst().orElseThrow();

        assertTrue(row.endsWith("TEMPORARY   " + Sparkline.ascii().render(ratios, TableReport.SPARKLINE_WIDTH) + " 75s"), row);
        assertEquals(40, Sparkline.ascii().render(ratios, TableReport.SPARKLINE_WIDTH).length());
        assertTrue(ascii.contains("  history: Source: S TEMPORARY - 3 episodes, 8 s long, the last ended 17 s ago"),
                String.join("\n", ascii));
        String mapRow = ascii.stream().filter(l -> l.startsWith("Map")).findFirst().orElseThrow();
        assertFalse(mapRow.contains("NONE") || mapRow.contains("#"), "no history, no sparkline: " + mapRow);

        List<String> unicode = new TableReport(false, Sparkline.unicode())
                .render(new Snapshot(42, "0.1.0-test", end, AgentSettings.DEFAULTS, tasks));
        assertTrue(unicode.stream().anyMatch(l -> l.startsWith("Source: S") && l.contains("\u2588\u2588")), String.join("\n", unicode));

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

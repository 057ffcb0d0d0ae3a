package dev.chokepoint.demo;

import dev.chokepoint.cli.jmx.TaskSnapshot;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportPrinterTest {

    // As ChokepointReader returns them: ordered by vertex name, not by job order.
    private static final List<TaskSnapshot> TASKS = List.of(
            task("Enrich (1/2)#0", "Enrich", 0, 0.0, "OK", 0),
            task("Parse (1/2)#0", "Parse", 0, 0.3, "LOW", 30),
            task("Legacy Source Thread - Source: Events (1/2)#0", "Source: Events", 0, 1.0, "HIGH", 100),
            task("Legacy Source Thread - Source: Events (2/2)#0", "Source: Events", 1, 0.97, "HIGH", 97),
            task("Sink: Discard (1/2)#0", "Sink: Discard", 0, 0.0, "OK", 0),
            task("Window (1/2)#0", "Window", 0, 0.0, "OK", 0));

    @Test
    void listsVerticesInJobOrderWithTheirWorstSubtask() {
        List<String> lines = plain().render(report(TASKS));

        assertEquals(List.of(
                "VERTEX / SUBTASK THREAD                          LEVEL  RATIO  BLOCKED",
                "Source: Events                                   HIGH    1.00",
                "  Legacy Source Thread - Source: Events (1/2)#0  HIGH    1.00  100/100",
                "  Legacy Source Thread - Source: Events (2/2)#0  HIGH    0.97   97/100",
                "Parse                                            LOW     0.30",
                "  Parse (1/2)#0                                  LOW     0.30   30/100",
                "Enrich                                           OK      0.00",
                "  Enrich (1/2)#0                                 OK      0.00    0/100",
                "Window                                           OK      0.00",
                "  Window (1/2)#0                                 OK      0.00    0/100",
                "Sink: Discard                                    OK      0.00",
                "  Sink: Discard (1/2)#0                          OK      0.00    0/100"),
                lines.subList(3, 15));
        assertTrue(lines.get(0).startsWith("Chokepoint 0.1.0-test - Flink 1.20 demo job, JVM 42 - up 1:05"), lines.get(0));
        assertEquals("window 100/100 samples, 640 sampling ticks, last tick 85 us", lines.get(1));
    }

    @Test
    void saysWhenTheWindowIsStillFilling() {
        List<String> lines = plain().render(report(List.of(task("Parse (1/2)#0", "Parse", 0, 0.0, "OK", 0, 37))));

        assertEquals("window 37/100 samples (warming up), 640 sampling ticks, last tick 85 us", lines.get(1));
    }

    @Test
    void colorsLevelsAndRedrawsInPlaceOnATerminal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ReportPrinter printer = new ReportPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, true);
        printer.print(report(TASKS));
        printer.print(report(TASKS));
        String frames = bytes.toString(StandardCharsets.UTF_8);

        assertTrue(frames.startsWith("\u001b[2J\u001b[H"), "first frame clears the screen");
        assertEquals(1, frames.split("\u001b\\[2J", -1).length - 1, "later frames only move home");
        assertTrue(frames.contains("\u001b[1;31mHIGH \u001b[0m"), "HIGH is red");
        assertTrue(frames.contains("\u001b[33mLOW  \u001b[0m"), "LOW is orange");
        assertTrue(frames.contains("\u001b[32mOK   \u001b[0m"), "OK is green");
    }

    private static ReportPrinter plain() {
        return new ReportPrinter(System.out, false, false);
    }

    private static Report report(List<TaskSnapshot> tasks) {
        return new Report(42, "0.1.0-test", 100, 640L, 85L, tasks, Duration.ofSeconds(65), null);
    }

    private static TaskSnapshot task(String thread, String vertex, int subtask, double ratio, String level, int blocked) {
        return task(thread, vertex, subtask, ratio, level, blocked, 100);
    }

    private static TaskSnapshot task(String thread, String vertex, int subtask, double ratio, String level, int blocked,
                                     int samples) {
        int code = List.of("OK", "LOW", "HIGH").indexOf(level);
        return new TaskSnapshot(thread, vertex, subtask, 2, ratio, level, code, samples, blocked);
    }
}

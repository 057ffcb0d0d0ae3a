package dev.chokepoint.demo;

import dev.chokepoint.cli.jmx.TaskSnapshot;

import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws a {@link Report} the way Flink's web UI shows backpressure: one line per vertex with its
 * worst subtask, the subtasks beneath. On a terminal each frame replaces the previous one; anywhere
 * else (a pipe, a log file, a test) frames are appended as plain text.
 */
final class ReportPrinter {

    private static final String RESET = "\u001b[0m";
    private static final String GREEN = "\u001b[32m";
    private static final String ORANGE = "\u001b[33m";
    private static final String RED = "\u001b[1;31m";
    private static final String DIM = "\u001b[2m";
    private static final String HOME = "\u001b[H";
    private static final String CLEAR_SCREEN = "\u001b[2J";
    private static final String CLEAR_LINE = "\u001b[K";
    private static final String CLEAR_BELOW = "\u001b[J";

    private final PrintStream out;
    private final boolean redraw;
    private final boolean color;
    private boolean firstFrame = true;

    ReportPrinter(PrintStream out, boolean redraw, boolean color) {
        this.out = out;
        this.redraw = redraw;
        this.color = color;
    }

    static ReportPrinter forStdout() {
        boolean terminal = stdoutIsTerminal() && !"dumb".equals(System.getenv("TERM"));
        String noColor = System.getenv("NO_COLOR");
        return new ReportPrinter(System.out, terminal, terminal && (noColor == null || noColor.isEmpty()));
    }

    void print(Report report) {
        List<String> lines = render(report);
        StringBuilder frame = new StringBuilder();
        if (redraw) {
            // Overwriting line by line instead of clearing first keeps the frame from flickering.
            frame.append(firstFrame ? CLEAR_SCREEN + HOME : HOME);
            for (String line : lines) {
                frame.append(line).append(CLEAR_LINE).append('\n');
            }
            frame.append(CLEAR_BELOW);
        } else {
            for (String line : lines) {
                frame.append(line).append('\n');
            }
            frame.append('\n');
        }
        firstFrame = false;
        out.print(frame);
        out.flush();
    }

    List<String> render(Report report) {
        List<String> lines = new ArrayList<>();
        lines.add(header(report));
        lines.add(dim(status(report)));
        lines.add("");
        List<Vertex> vertices = vertices(report.tasks());
        if (vertices.isEmpty()) {
            lines.add("  waiting for the agent to find Flink's task threads...");
        } else {
            table(vertices, lines);
        }
        lines.add("");
        lines.add(dim("ratio = samples blocked in a network-buffer request / samples;"
                + "  OK <= 0.10 < LOW <= 0.50 < HIGH"));
        lines.add(dim(footer(report.stopsIn())));
        return lines;
    }

    private static String footer(Duration stopsIn) {
        if (stopsIn == null) {
            return "Ctrl-C stops the demo and its Flink job.";
        }
        long seconds = (stopsIn.toMillis() + 999) / 1000;
        return seconds > 0 ? "The demo stops in " + seconds + " s." : "The demo is stopping.";
    }

    private static String header(Report report) {
        String agent = report.agentVersion() == null ? "Chokepoint (agent starting)" : "Chokepoint " + report.agentVersion();
        long up = report.uptime().toSeconds();
        return agent + " - Flink 1.20 demo job, JVM " + report.pid()
                + String.format(Locale.ROOT, " - up %d:%02d", up / 60, up % 60);
    }

    private static String status(Report report) {
        int samples = report.tasks().stream().mapToInt(t -> t.samples).max().orElse(0);
        StringBuilder status = new StringBuilder("window ").append(samples).append('/').append(report.windowSamples())
                .append(" samples");
        if (samples < report.windowSamples()) {
            status.append(" (warming up)");
        }
        if (report.samplingTicks() != null) {
            status.append(", ").append(report.samplingTicks()).append(" sampling ticks");
        }
        if (report.lastTickMicros() != null) {
            status.append(", last tick ").append(report.lastTickMicros()).append(" us");
        }
        return status.toString();
    }

    private void table(List<Vertex> vertices, List<String> lines) {
        int width = "VERTEX / SUBTASK THREAD".length();
        for (Vertex vertex : vertices) {
            width = Math.max(width, vertex.name.length());
            for (TaskSnapshot task : vertex.subtasks) {
                width = Math.max(width, subtaskLabel(task).length());
            }
        }
        lines.add(dim(pad("VERTEX / SUBTASK THREAD", width) + "  LEVEL  RATIO  BLOCKED"));
        for (Vertex vertex : vertices) {
            TaskSnapshot worst = vertex.worst();
            lines.add(pad(vertex.name, width) + "  " + level(worst) + "  " + ratio(worst));
            for (TaskSnapshot task : vertex.subtasks) {
                lines.add(dim(pad(subtaskLabel(task), width)) + "  " + level(task) + "  " + ratio(task)
                        + String.format(Locale.ROOT, "  %3d/%d", task.blockedSamples, task.samples));
            }
        }
    }

    private static String subtaskLabel(TaskSnapshot task) {
        return "  " + (task.thread != null ? task.thread : "subtask " + (task.subtask + 1) + "/" + task.parallelism);
    }

    private String level(TaskSnapshot task) {
        String level = pad(task.backPressureLevel, 5);
        if (!color) {
            return level;
        }
        switch (task.backPressureLevel) {
            case "OK":
                return GREEN + level + RESET;
            case "LOW":
                return ORANGE + level + RESET;
            case "HIGH":
                return RED + level + RESET;
            default:
                return level;
        }
    }

    private static String ratio(TaskSnapshot task) {
        return String.format(Locale.ROOT, "%5.2f", task.backPressureRatio);
    }

    private String dim(String text) {
        return color && !text.isEmpty() ? DIM + text + RESET : text;
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

    /** Vertices in job order; any the demo does not know come after, in the reader's order. */
    static List<Vertex> vertices(List<TaskSnapshot> tasks) {
        Map<String, Vertex> byName = new LinkedHashMap<>();
        for (TaskSnapshot task : tasks) {
            byName.computeIfAbsent(task.vertex, Vertex::new).subtasks.add(task);
        }
        List<Vertex> vertices = new ArrayList<>(byName.values());
        vertices.sort(Comparator.comparingInt(v -> jobOrder(v.name)));
        return vertices;
    }

    private static int jobOrder(String vertex) {
        int index = DemoJob.VERTICES.indexOf(vertex);
        return index >= 0 ? index : DemoJob.VERTICES.size();
    }

    private static boolean stdoutIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        // From JDK 22 System.console() exists even when redirected; Console.isTerminal() tells.
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    static final class Vertex {
        final String name;
        final List<TaskSnapshot> subtasks = new ArrayList<>();

        Vertex(String name) {
            this.name = name;
        }

        /** Flink's rule: a vertex is as backpressured as its most backpressured subtask. */
        TaskSnapshot worst() {
            return subtasks.stream()
                    .max(Comparator.<TaskSnapshot>comparingDouble(t -> t.backPressureRatio)
                            .thenComparingInt(t -> t.levelCode))
                    .orElseThrow();
        }
    }
}

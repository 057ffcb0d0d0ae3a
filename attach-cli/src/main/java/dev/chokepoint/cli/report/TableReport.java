package dev.chokepoint.cli.report;

import dev.chokepoint.api.BackPressureLevel;
import dev.chokepoint.api.Cause;
import dev.chokepoint.api.Episode;
import dev.chokepoint.api.Persistence;
import dev.chokepoint.cli.jmx.AgentSettings;
import dev.chokepoint.cli.jmx.TaskHistory;
import dev.chokepoint.cli.jmx.TaskSnapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report as a table, the way Flink's web UI shows backpressure: one row per vertex with its
 * worst subtask's level and ratio, the subtasks beneath, levels in green (OK), orange (LOW) and red
 * (HIGH); then where the backpressure comes from.
 */
public final class TableReport {

    private static final String RESET = "\u001b[0m";
    private static final String GREEN = "\u001b[32m";
    private static final String ORANGE = "\u001b[33m";
    private static final String RED = "\u001b[1;31m";
    private static final String BOLD = "\u001b[1m";
    private static final String DIM = "\u001b[2m";

    private static final String FIRST_COLUMN = "VERTEX / SUBTASK";
    static final String COLUMNS = "LEVEL  RATIO   HARD   SOFT   BUSY   IDLE  OUTPOOL  INPOOL  FLOAT   EXCL  BP ms/s  CAUSE";
    /** After {@link #COLUMNS} when the subtasks run on several TaskManagers (a job read through Flink's REST API). */
    static final String PLACEMENT_COLUMNS = "HOST / TASKMANAGER";

    private static final String BY_FLINK = TaskSnapshot.Placement.BY_FLINK;

    /** Columns of a vertex's sparkline: ten minutes of one-second points, 15 s a column. */
    static final int SPARKLINE_WIDTH = 40;

    private final boolean color;
    private final Sparkline sparkline;

    /** ASCII sparklines: what any terminal shows. */
    public TableReport(boolean color) {
        this(color, Sparkline.ascii());
    }

    public TableReport(boolean color, Sparkline sparkline) {
        this.color = color;
        this.sparkline = sparkline;
    }

    public List<String> render(Snapshot snapshot) {
        List<String> lines = new ArrayList<>();
        ClusterSource cluster = snapshot.cluster;
        if (cluster == null) {
            lines.add(bold("Chokepoint " + (snapshot.agentVersion == null ? "(agent not loaded)" : snapshot.agentVersion)
                    + " - JVM " + snapshot.pid));
            lines.add(dim(window(snapshot)));
        } else {
            lines.add(bold("Chokepoint - job " + cluster.jobName + " (" + cluster.jobId + ", " + cluster.jobState + ")"));
            lines.add(dim("Flink REST API " + cluster.url + ", every TaskManager; metrics as the JobManager last fetched them"));
        }
        if (snapshot.tasks.isEmpty()) {
            lines.add("");
            lines.add("  no Flink subtasks in this JVM (yet): the agent finds task threads at its next tick");
            return lines;
        }
        boolean placed = snapshot.tasks.stream().anyMatch(t -> t.taskManager != null || t.host != null);
        for (Snapshot.Job job : snapshot.jobs) {
            lines.add("");
            if (snapshot.jobs.size() > 1) {
                // A shared TaskManager: each job its own table and origins.
                lines.add(bold("Job " + (job.name.isEmpty() ? "(no name)" : job.name) + " (" + job.id + ")"));
            }
            renderJob(lines, job.diagnosis, placed, cluster);
        }
        lines.add("");
        lines.add(dim("ratio = (hard + soft) samples / samples: hard = blocked in a buffer request, soft = waiting"
                + " for work with an output pool full" + (snapshot.tasks.stream().noneMatch(t -> BY_FLINK.equals(t.judgedBy))
                ? "" : " (judged by Flink: its backPressuredTimeMsPerSecond / 1000)") + ";  " + thresholds(snapshot.settings) + ";"
                + "  pool usage high >= " + Math.round(PoolReading.HIGH * 100) + "%"));
        return lines;
    }

    /** One job's vertex table and where its backpressure comes from. */
    private void renderJob(List<String> lines, Diagnosis diagnosis, boolean placed, ClusterSource cluster) {
        int width = FIRST_COLUMN.length();
        for (Vertex vertex : diagnosis.graph.vertices) {
            width = Math.max(width, vertex.name.length());
            for (TaskSnapshot task : vertex.subtasks) {
                width = Math.max(width, subtaskLabel(task).length());
            }
        }
        int causeWidth = "EXTERNAL_WAIT".length();
        lines.add(dim(pad(FIRST_COLUMN, width) + "  " + (placed ? pad(COLUMNS, COLUMNS.length() + causeWidth - 5)
                + "  " + PLACEMENT_COLUMNS : COLUMNS)));
        for (Vertex vertex : diagnosis.graph.vertices) {
            TaskSnapshot worst = vertex.worst();
            TaskHistory history = vertex.history();
            lines.add(bold(pad(vertex.name, width)) + "  " + level(worst.backPressureLevel) + " "
                    + num(worst.backPressureRatio) + (!history.known() ? "" : history.ratios().length == 0
                    ? (cluster == null ? "" : "   " + persistence(history.persistence).trim()) // REST: the verdict only
                    : "   " + persistence(history.persistence) + "  " + sparkline.render(history.ratios(), SPARKLINE_WIDTH)
                    + dim(" " + span(history))));
            for (TaskSnapshot task : vertex.subtasks) {
                lines.add(pad(subtaskLabel(task), width) + "  " + level(task.backPressureLevel) + " "
                        + num(task.backPressureRatio) + " " + num(task.hardBackPressureRatio) + " "
                        + num(task.softBackPressureRatio) + " " + num(task.busyRatio) + " " + num(task.idleRatio)
                        + "  " + pct(task.outPoolUsage, 7) + " " + pct(task.inPoolUsage, 7) + " "
                        + pct(task.floatingBuffersUsage, 6) + " " + pct(task.exclusiveBuffersUsage, 6) + " "
                        + ms(task.backPressuredTimeMsPerSecond) + "   "
                        + (placed ? pad(cause(task.cause), causeWidth) + "  " + placement(task) : cause(task.cause)));
            }
        }
        lines.add("");
        lines.add(bold("Where it comes from") + (diagnosis.graph.topologyKnown ? "" : dim("  (job order guessed)")));
        StringBuilder order = new StringBuilder("  job order: ");
        for (int i = 0; i < diagnosis.graph.vertices.size(); i++) {
            Vertex vertex = diagnosis.graph.vertices.get(i);
            order.append(i == 0 ? "" : " -> ").append(vertex.name).append(' ').append(level(vertex.level()).trim());
        }
        lines.add(order.toString());
        for (Diagnosis.Origin origin : diagnosis.origins) {
            // The reason first, as before: scripts and tests look for "origin: <name> - <name> is not backpressured".
            // The cause and its evidence are the next line's, not repeated here. One block per bottleneck.
            lines.add("  origin: " + red(origin.vertex.name) + " - " + origin.reason);
            lines.add("  why: " + red(origin.cause.name()) + (origin.evidence.isEmpty() ? ""
                    : ": " + String.join("; ", origin.evidence)));
            lines.add("  what to do: " + origin.advice());
        }
        if (diagnosis.origins.isEmpty()) {
            lines.add("  origin: none - " + diagnosis.reason);
        }
        for (Vertex vertex : diagnosis.graph.vertices) {
            TaskHistory history = vertex.history();
            if (history.known() && !history.episodes.isEmpty()) {
                lines.add("  history: " + vertex.name + " " + persistence(history.persistence).trim() + " - "
                        + episodes(history) + (cluster == null ? "" : duringCheckpoints(history, cluster)));
            }
        }
        if (cluster != null) {
            for (String note : cluster.notes) {
                lines.add("  note: " + note);
            }
        }
        for (String skew : diagnosis.skew) {
            lines.add("  skew: " + skew);
        }
        for (PoolReading reading : diagnosis.readings) {
            if (reading.verdict == PoolReading.Verdict.UNKNOWN) {
                continue;
            }
            lines.add("  " + reading.edge.upstream.name + " -> " + reading.edge.downstream.name + ": "
                    + verdict(reading.verdict));
            lines.add(dim("      " + reading.usages()));
            lines.add(dim("      table 1: " + reading.table1));
            lines.add(dim("      table 2: " + reading.table2));
        }
    }

    private String persistence(Persistence persistence) {
        String padded = pad(persistence.name(), "PERSISTENT".length());
        switch (persistence) {
            case PERSISTENT:
                return colored(RED, padded);
            case TEMPORARY:
                return colored(ORANGE, padded);
            default:
                return colored(GREEN, padded);
        }
    }

    /** How far back the sparkline reaches, e.g. {@code 10m}, {@code 75s}; {@code 12s watched} where this CLI kept it. */
    private static String span(TaskHistory history) {
        long seconds = history.ratios().length * history.stepMillis / 1000;
        return (seconds >= 120 && seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s")
                + (history.watched ? " watched" : "");
    }

    /** e.g. {@code 3 episodes, 8 s to 10 s long, the last ended 12 s ago} or {@code 1 episode, ongoing for 75 s}. */
    private static String episodes(TaskHistory history) {
        List<Episode> episodes = history.episodes;
        Episode last = episodes.get(episodes.size() - 1);
        long shortest = Long.MAX_VALUE;
        long longest = 0;
        for (Episode episode : episodes) {
            shortest = Math.min(shortest, episode.getDurationMillis());
            longest = Math.max(longest, episode.getDurationMillis());
        }
        String count = episodes.size() + (episodes.size() == 1 ? " episode" : " episodes");
        String lengths = seconds(shortest).equals(seconds(longest)) ? seconds(longest) + " long"
                : seconds(shortest) + " to " + seconds(longest) + " long";
        String recent = last.isOngoing() ? "the last ongoing for " + seconds(last.getDurationMillis())
                : "the last ended " + seconds(Math.max(0, history.endMillis - last.getEnd())) + " ago";
        return count + ", " + lengths + ", " + recent + (last.getCause().isEmpty() ? "" : " (" + last.getCause() + ")");
    }

    /** {@code ; 2 of 3 during a checkpoint (7, 8)}: the seed names checkpointing as a cause of temporary backpressure. */
    private static String duringCheckpoints(TaskHistory history, ClusterSource cluster) {
        int during = 0;
        java.util.TreeSet<Long> ids = new java.util.TreeSet<>();
        for (Episode episode : history.episodes) {
            List<Long> overlapping = Checkpoint.during(episode, cluster.checkpoints, history.endMillis);
            during += overlapping.isEmpty() ? 0 : 1;
            ids.addAll(overlapping);
        }
        if (during == 0) {
            return "";
        }
        StringBuilder list = new StringBuilder();
        ids.forEach(id -> list.append(list.length() == 0 ? "" : ", ").append(id));
        return "; " + during + " of " + history.episodes.size() + " during a checkpoint (" + list + ")";
    }

    private static String seconds(long millis) {
        return Math.round(millis / 1000.0) + " s";
    }

    /** The level thresholds the agent in the target applies, as Flink's web UI words them. */
    static String thresholds(AgentSettings settings) {
        return String.format(Locale.ROOT, "%s <= %.2f < %s <= %.2f < %s", BackPressureLevel.OK.name(), settings.low,
                BackPressureLevel.LOW.name(), settings.high, BackPressureLevel.HIGH.name());
    }

    private static String window(Snapshot snapshot) {
        int samples = snapshot.settings.samples;
        if (snapshot.tasks.isEmpty()) {
            return "window " + samples + " samples";
        }
        int min = snapshot.minSamples();
        return min >= samples
                ? "window " + samples + "/" + samples + " samples"
                : "window " + min + "/" + samples + " samples (warming up: " + min + " of " + samples
                        + " samples, levels are provisional)";
    }

    private static String subtaskLabel(TaskSnapshot task) {
        return "  " + (task.thread != null ? task.thread : task.vertex + " (" + Diagnosis.label(task) + ")");
    }

    /** The HOST / TASKMANAGER column: {@code host  resource-id}, {@code -} for what Flink does not tell. */
    private static String placement(TaskSnapshot task) {
        return (task.host == null ? "-" : task.host) + "  " + (task.taskManager == null ? "-" : task.taskManager);
    }

    /** The CAUSE column: the subtask's dominant busy cause, {@code -} when it is hardly busy. */
    private static String cause(Cause cause) {
        return cause == null || cause == Cause.NONE ? "-" : cause.name();
    }

    private String verdict(PoolReading.Verdict verdict) {
        switch (verdict) {
            case FINE:
                return colored(GREEN, verdict.text);
            case MAY_CAUSE:
            case TEMPORARY:
            case INPUTS_LOCAL:
                return colored(ORANGE, verdict.text);
            default:
                return colored(RED, verdict.text);
        }
    }

    private String level(String level) {
        String padded = pad(level == null ? "-" : level, 5);
        if (BackPressureLevel.OK.name().equals(level)) {
            return colored(GREEN, padded);
        }
        if (BackPressureLevel.LOW.name().equals(level)) {
            return colored(ORANGE, padded);
        }
        if (BackPressureLevel.HIGH.name().equals(level)) {
            return colored(RED, padded);
        }
        return padded;
    }

    private String colored(String code, String text) {
        return color ? code + text + RESET : text;
    }

    private String bold(String text) {
        return colored(BOLD, text);
    }

    private String red(String text) {
        return colored(RED, text);
    }

    private String dim(String text) {
        return text.isEmpty() ? text : colored(DIM, text);
    }

    private static String num(double value) {
        return Double.isNaN(value) ? "     -" : String.format(Locale.ROOT, "%6.2f", value);
    }

    private static String pct(double value, int width) {
        return String.format(Locale.ROOT, "%" + width + "s", PoolReading.pct(value));
    }

    private static String ms(double value) {
        return Double.isNaN(value) ? "      -" : String.format(Locale.ROOT, "%7.0f", value);
    }

    static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }
}

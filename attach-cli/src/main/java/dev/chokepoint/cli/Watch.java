package dev.chokepoint.cli;

import dev.chokepoint.api.AgentAttributes;
import dev.chokepoint.api.Settings;
import dev.chokepoint.cli.common.CliException;
import dev.chokepoint.cli.jmx.AgentSettings;
import dev.chokepoint.cli.jmx.ChokepointReader;
import dev.chokepoint.cli.jmx.TaskSnapshot;
import dev.chokepoint.cli.report.JsonReport;
import dev.chokepoint.cli.report.Snapshot;
import dev.chokepoint.cli.report.TableReport;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Reads a JVM's MBeans, or a whole job through Flink's REST API, and shows them: once, or every few
 * seconds; as a table or as JSON lines.
 */
final class Watch {

    /** Where readings come from. */
    interface Source {
        Snapshot read() throws IOException;
    }

    private static final String HOME = "\u001b[H";
    private static final String CLEAR_SCREEN = "\u001b[2J";
    private static final String CLEAR_LINE = "\u001b[K";
    private static final String CLEAR_BELOW = "\u001b[J";

    private final long pid;
    /** Null when the readings come from Flink's REST API. */
    private final ChokepointReader reader;
    private final Source source;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean json;
    private final boolean terminal;
    private final TableReport table;
    private final Long sinceMillis;
    private boolean firstFrame = true;

    Watch(long pid, ChokepointReader reader, PrintStream out, PrintStream err, boolean json) {
        this(pid, reader, null, out, err, json, null);
    }

    /** {@code sinceMillis}: {@code --since}, how far back the histories reach; null: as far as the agent keeps them. */
    Watch(long pid, ChokepointReader reader, PrintStream out, PrintStream err, boolean json, Long sinceMillis) {
        this(pid, reader, null, out, err, json, sinceMillis);
    }

    /** Readings of {@code source}: a whole job through Flink's REST API; {@code sinceMillis} as above. */
    Watch(Source source, PrintStream out, PrintStream err, boolean json, Long sinceMillis) {
        this(-1, null, source, out, err, json, sinceMillis);
    }

    private Watch(long pid, ChokepointReader reader, Source source, PrintStream out, PrintStream err, boolean json,
                  Long sinceMillis) {
        this.sinceMillis = sinceMillis;
        this.pid = pid;
        this.reader = reader;
        this.source = source;
        this.out = out;
        this.err = err;
        this.json = json;
        this.terminal = Terminal.stdoutIsTerminal();
        this.table = new TableReport(Terminal.color(terminal), Terminal.sparkline());
    }

    Snapshot read() throws IOException {
        if (source != null) {
            // over REST the agents' texts do not carry persistentAfter: the default
            Snapshot snapshot = source.read();
            return sinceMillis == null ? snapshot : snapshot.withTasks(since(snapshot.tasks, snapshot.timestampMillis,
                    snapshot.settings, Settings.PERSISTENT_AFTER_MILLIS_DEFAULT));
        }
        List<TaskSnapshot> tasks = reader.tasks();
        String version = reader.agentAttribute(AgentAttributes.VERSION).map(String::valueOf).orElse(null);
        AgentSettings settings = settings();
        long now = System.currentTimeMillis();
        if (sinceMillis != null) {
            tasks = since(tasks, now, settings, reader.agentAttribute(AgentAttributes.PERSISTENT_AFTER_MILLIS)
                    .map(v -> ((Number) v).longValue()).orElse(Settings.PERSISTENT_AFTER_MILLIS_DEFAULT));
        }
        return new Snapshot(pid, version, now, settings, tasks);
    }

    /** {@code --since}: each subtask's history from {@code sinceMillis} before {@code now}, judged again. */
    private List<TaskSnapshot> since(List<TaskSnapshot> tasks, long now, AgentSettings settings, long persistentAfter) {
        List<TaskSnapshot> limited = new ArrayList<>(tasks.size());
        for (TaskSnapshot task : tasks) {
            limited.add(task.withHistory(task.history.since(now - sinceMillis, settings.low, settings.high,
                    persistentAfter)));
        }
        return limited;
    }

    /** The running agent's settings; its defaults when no agent runs there (the report then says it is not loaded). */
    private AgentSettings settings() throws IOException {
        return reader.agentSettings().orElse(AgentSettings.DEFAULTS);
    }

    /** Waits until the agent reports subtasks (the first tick after an attach finds them). */
    void awaitSubtasks(long timeoutMillis) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (reader.tasks().isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
    }

    /** {@code --wait}: progress on stderr until every subtask has a full window of samples. */
    void awaitFullWindow(BooleanSupplier alive) throws IOException, InterruptedException {
        long timeout = settings().windowMillis() * 3 + 60_000;
        long deadline = System.currentTimeMillis() + timeout;
        boolean errTerminal = System.console() != null;
        String last = "";
        long lastPrinted = 0;
        while (true) {
            Snapshot snapshot = read();
            if (snapshot.windowFull()) {
                if (errTerminal && !last.isEmpty()) {
                    err.print("\r" + CLEAR_LINE);
                    err.flush();
                }
                return;
            }
            if (!alive.getAsBoolean()) {
                throw new CliException("JVM " + pid + " exited while the window was filling", null);
            }
            if (System.currentTimeMillis() > deadline) {
                throw new CliException("the first full window (" + snapshot.settings.samples + " samples) did not come within "
                        + timeout / 1000 + " s" + (snapshot.tasks.isEmpty() ? ": the agent found no Flink task threads"
                        : ""), "check that the JVM runs a Flink job (chokepoint list), or the agent's threads= setting");
            }
            String progress = "chokepoint: waiting for the first full window: "
                    + (snapshot.tasks.isEmpty() ? "no subtasks found yet" : snapshot.minSamples() + "/"
                    + snapshot.settings.samples + " samples, " + snapshot.tasks.size() + " subtasks");
            if (errTerminal) {
                err.print("\r" + progress + CLEAR_LINE);
                err.flush();
            } else if (!progress.equals(last) && System.currentTimeMillis() - lastPrinted >= 1000) {
                err.println(progress);
                lastPrinted = System.currentTimeMillis();
            }
            last = progress;
            Thread.sleep(200);
        }
    }

    /** Shows {@code snapshot}: a JSON line, a table appended, or on a watched terminal a frame redrawn in place. */
    void show(Snapshot snapshot, boolean redraw) {
        if (json) {
            out.println(JsonReport.render(snapshot));
            out.flush();
            return;
        }
        List<String> lines = table.render(snapshot);
        StringBuilder frame = new StringBuilder();
        if (redraw && terminal) {
            // Overwriting line by line instead of clearing first keeps the frame from flickering.
            frame.append(firstFrame ? CLEAR_SCREEN + HOME : HOME);
            for (String line : lines) {
                frame.append(line).append(CLEAR_LINE).append('\n');
            }
            frame.append(CLEAR_BELOW);
        } else {
            if (!firstFrame) {
                frame.append('\n');
            }
            for (String line : lines) {
                frame.append(line).append('\n');
            }
        }
        firstFrame = false;
        out.print(frame);
        out.flush();
    }
}

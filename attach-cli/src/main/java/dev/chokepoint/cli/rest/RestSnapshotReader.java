package dev.chokepoint.cli.rest;

import dev.chokepoint.api.FlinkMetricNames;
import dev.chokepoint.cli.common.CliException;
import dev.chokepoint.cli.jmx.AgentSettings;
import dev.chokepoint.cli.jmx.TaskSnapshot;
import dev.chokepoint.cli.report.Checkpoint;
import dev.chokepoint.cli.report.ClusterSource;
import dev.chokepoint.cli.report.Snapshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads one job, over every TaskManager, through the JobManager's REST API into the report's
 * {@link Snapshot}. One reading costs {@code 1 + V + Σ metric requests} GETs: the job, each
 * vertex's subtasks ({@code /jobs/:jobid/vertices/:vertexid}: host, TaskManager and records read of
 * each), and each vertex's metrics of all its subtasks in as few requests as Flink's request-line
 * limit allows ({@link MetricQuery}: the agent's one text of figures of all subtasks, one request up
 * to about 170 subtasks; then, only of subtasks without it, Flink's own metrics, one request up to
 * about 9 subtasks); choosing the job costs one more, once.
 */
public final class RestSnapshotReader {

    private final FlinkRestClient client;
    private final String jobId;
    private final AgentSettings settings = AgentSettings.DEFAULTS;
    /** Subtasks ({@code vertex (i/n)}) the last reading found no metric of at all. */
    private List<String> withoutMetrics = List.of();
    /** Null unless watching: then the history of subtasks whose metrics carry none. */
    private WatchedHistory watched;

    private RestSnapshotReader(FlinkRestClient client, String jobId) {
        this.client = client;
        this.jobId = jobId;
    }

    /** Chooses the job ({@code --job}: id or exact name; null: the one running job). */
    public static RestSnapshotReader open(FlinkRestClient client, String job) {
        return new RestSnapshotReader(client, RestJob.choose(client, job).id);
    }

    /**
     * From now on, keeps a history of the subtasks whose metrics carry none (Flink's own metrics),
     * one point per reading on a grid of {@code stepMillis}: for {@code --watch}, whose interval it is.
     */
    public RestSnapshotReader watch(long stepMillis) {
        watched = new WatchedHistory(stepMillis, settings);
        return this;
    }

    public FlinkRestClient client() {
        return client;
    }

    /** The subtasks the last {@link #read} found no metric of: the JobManager has not fetched them yet. */
    public List<String> withoutMetrics() {
        return withoutMetrics;
    }

    public Snapshot read() {
        // the watched history's grid: the reading's start, which --watch schedules at a fixed rate
        long readingMillis = System.currentTimeMillis();
        RestJob job = RestJob.read(client, jobId);
        if (!RestJob.RUNNING.equals(job.state)) {
            throw new CliException("job " + job.id + " '" + job.name + "' is " + job.state
                    + ": only a running job has live metrics", null);
        }
        // Edge ids for the report's job order: "upstream>downstream", written by one, read by the other.
        Map<String, List<String>> produced = new HashMap<>();
        for (RestJob.Vertex vertex : job.vertices) {
            for (String input : vertex.inputs) {
                produced.computeIfAbsent(input, k -> new ArrayList<>()).add(input + ">" + vertex.id);
            }
        }
        List<TaskSnapshot> tasks = new ArrayList<>();
        ReadingNotes notes = new ReadingNotes();
        Set<String> watchedKeys = new HashSet<>();
        for (RestJob.Vertex vertex : job.vertices) {
            List<String> consumed = vertex.inputs.stream().map(input -> input + ">" + vertex.id)
                    .collect(Collectors.toList());
            List<Object> subtasks = JsonTree.array(client.get("/jobs/" + job.id + "/vertices/" + vertex.id,
                    new CliException("vertex " + vertex.name + " of job " + job.id + " is gone", "run the command again")),
                    "subtasks");
            List<Integer> indexes = subtasks.stream().map(s -> JsonTree.integer(s, "subtask", -1)).filter(i -> i >= 0)
                    .collect(Collectors.toList());
            Map<Integer, Map<String, String>> metrics = metrics(job.id, vertex, indexes);
            for (Object subtask : subtasks) {
                int index = JsonTree.integer(subtask, "subtask", -1);
                if (index < 0) {
                    continue;
                }
                Map<String, String> values = metrics.getOrDefault(index, Map.of());
                TaskSnapshot task = SubtaskJudge.judge(vertex.name, index, vertex.parallelism,
                        JsonTree.text(subtask, "taskmanager-id") /* 1.12+ */, host(subtask), values, recordsIn(subtask),
                        settings, produced.getOrDefault(vertex.id, List.of()), consumed);
                if (watched != null && !task.history.known()
                        && !TaskSnapshot.Placement.BY_NONE.equals(task.judgedBy)) {
                    String key = vertex.id + "/" + index;
                    watchedKeys.add(key);
                    task = task.withHistory(watched.add(key, readingMillis, task.backPressureRatio));
                }
                tasks.add(task);
                notes.add(task, !values.isEmpty());
            }
        }
        withoutMetrics = notes.withoutMetrics();
        if (watched != null) {
            watched.retain(watchedKeys);
        }
        return new Snapshot(new ClusterSource(client.url(), job.id, job.name, job.state, notes.lines(),
                checkpoints(job.id)),
                System.currentTimeMillis(), settings, tasks);
    }

    /**
     * {@code /jobs/:jobid/checkpoints}, its {@code history} (Flink 1.9 to 2.x: {@code id},
     * {@code status}, {@code trigger_timestamp}, {@code latest_ack_timestamp}, the latter 0 or -1
     * until the first acknowledgement); empty when the job has none or the answer has no history.
     */
    private List<Checkpoint> checkpoints(String job) {
        Object answer = client.get("/jobs/" + job + "/checkpoints", new CliException("job " + job + " is gone",
                "run the command again"));
        long now = System.currentTimeMillis();
        List<Checkpoint> checkpoints = new ArrayList<>();
        for (Object c : JsonTree.array(answer, "history")) {
            long id = JsonTree.longNumber(c, "id", -1);
            long trigger = JsonTree.longNumber(c, "trigger_timestamp", -1);
            long ack = JsonTree.longNumber(c, "latest_ack_timestamp", -1);
            String status = JsonTree.text(c, "status");
            if (id < 0 || trigger <= 0) {
                continue;
            }
            boolean running = "IN_PROGRESS".equals(status);
            checkpoints.add(new Checkpoint(id, status, trigger, running || ack <= 0 ? (running ? now : trigger) : ack));
        }
        return checkpoints;
    }

    /** Flink's numRecordsIn, which the vertex details carry for free (IOMetricsInfo, 1.9+); -1 when incomplete. */
    private static long recordsIn(Object subtask) {
        Map<String, Object> io = JsonTree.object(subtask, "metrics");
        return Boolean.parseBoolean(JsonTree.text(io, "read-records-complete"))
                ? JsonTree.longNumber(io, "read-records", -1) : -1;
    }

    /**
     * Subtask index → metric name → value, for the given subtasks of the vertex: the agent's
     * {@link FlinkMetricNames#FIGURES} and {@link FlinkMetricNames#HISTORY} texts of all (two ids per
     * subtask: about 85 subtasks per request), the figures unpacked into their fields; then, of the subtasks without it, Flink's own metrics and
     * an older agent's level code; then the rest of that older agent's single metrics.
     */
    private Map<Integer, Map<String, String>> metrics(String job, RestJob.Vertex vertex, List<Integer> subtasks) {
        Map<Integer, Map<String, String>> bySubtask = new HashMap<>();
        read(job, vertex, subtasks, List.of(SubtaskJudge.FIGURES, SubtaskJudge.HISTORY), bySubtask);
        List<Integer> withoutFigures = new ArrayList<>();
        for (int subtask : subtasks) {
            Map<String, String> values = bySubtask.get(subtask);
            String figures = values == null ? null : values.remove(SubtaskJudge.FIGURES);
            if (figures == null || figures.isEmpty()) {
                withoutFigures.add(subtask); // no agent, an agent before FIGURES, or a detached one
            } else {
                FlinkMetricNames.unpack(figures).forEach((field, value) -> values.put(SubtaskJudge.agent(field), value));
            }
        }
        if (withoutFigures.isEmpty()) {
            return bySubtask;
        }
        read(job, vertex, withoutFigures, SubtaskJudge.FIRST, bySubtask);
        List<Integer> withAgent = withoutFigures.stream()
                .filter(i -> bySubtask.getOrDefault(i, Map.of()).containsKey(SubtaskJudge.AGENT_PROBE))
                .collect(Collectors.toList());
        if (!withAgent.isEmpty()) {
            read(job, vertex, withAgent, SubtaskJudge.AGENT_REST, bySubtask);
        }
        return bySubtask;
    }

    private void read(String job, RestJob.Vertex vertex, List<Integer> subtasks, List<String> names,
                      Map<Integer, Map<String, String>> into) {
        List<String> paths = MetricQuery.paths(job, vertex.id, subtasks, names);
        List<Object> answers = client.getAll(paths, new CliException("vertex " + vertex.name + " of job " + job
                + " is gone", "run the command again"));
        for (int i = 0; i < paths.size(); i++) {
            Object answer = answers.get(i);
            if (!(answer instanceof List)) {
                throw client.notFlink(paths.get(i), "not a list of metrics");
            }
            for (Object metric : (List<?>) answer) {
                String id = JsonTree.text(metric, "id");
                String value = JsonTree.text(metric, "value");
                int dot = id == null ? -1 : id.indexOf('.');
                if (dot > 0 && value != null) {
                    try {
                        into.computeIfAbsent(Integer.parseInt(id.substring(0, dot)), k -> new HashMap<>())
                                .put(id.substring(dot + 1), value);
                    } catch (NumberFormatException e) {
                        // not "<index>.<name>": an id this reading did not ask for
                    }
                }
            }
        }
    }

    /** Flink's {@code host} (1.9 to 1.20), else the host of its {@code endpoint} (1.20+, {@code host:port}). */
    private static String host(Object subtask) {
        String host = JsonTree.text(subtask, "host");
        if (host != null) {
            return host;
        }
        String endpoint = JsonTree.text(subtask, "endpoint");
        if (endpoint == null) {
            return null;
        }
        int colon = endpoint.lastIndexOf(':');
        return colon > 0 ? endpoint.substring(0, colon) : endpoint;
    }
}

package dev.chokepoint.cli.rest;

import dev.chokepoint.cli.common.CliException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One Flink job as its JobManager describes it: {@code /jobs/overview} to choose it,
 * {@code /jobs/:jobid} for its vertices and, from its plan, the edges between them (each
 * {@code plan.nodes[].inputs[].id} is an upstream vertex). Field names as in Flink 1.9 to 2.x
 * ({@code JobDetails}, {@code JobDetailsInfo}, {@code JsonPlanGenerator}).
 */
public final class RestJob {

    static final String RUNNING = "RUNNING";

    public final String id;
    public final String name;
    public final String state;
    /** In the order Flink lists them (topological for a streaming job). */
    public final List<Vertex> vertices;

    private RestJob(String id, String name, String state, List<Vertex> vertices) {
        this.id = id;
        this.name = name;
        this.state = state;
        this.vertices = Collections.unmodifiableList(vertices);
    }

    /** A job vertex: Flink's id, its name (made unique within the job), parallelism and upstream vertex ids. */
    public static final class Vertex {
        public final String id;
        public final String name;
        public final int parallelism;
        public final String status;
        public final List<String> inputs;

        Vertex(String id, String name, int parallelism, String status, List<String> inputs) {
            this.id = id;
            this.name = name;
            this.parallelism = parallelism;
            this.status = status;
            this.inputs = List.copyOf(inputs);
        }
    }

    /** A line of {@code /jobs/overview}. */
    static final class Summary {
        final String id;
        final String name;
        final String state;

        Summary(String id, String name, String state) {
            this.id = id;
            this.name = name;
            this.state = state;
        }

        @Override
        public String toString() {
            return id + " '" + name + "' " + state;
        }
    }

    /** The job {@code --job} names (its id or exact name), or the one running job; else one clear failure. */
    static Summary choose(FlinkRestClient client, String job) {
        Object overview = client.get("/jobs/overview", null);
        if (!(overview instanceof Map) || !((Map<?, ?>) overview).containsKey("jobs")) {
            throw client.notFlink("/jobs/overview", "no 'jobs' in the answer");
        }
        List<Summary> all = new ArrayList<>();
        for (Object line : JsonTree.array(overview, "jobs")) {
            all.add(new Summary(JsonTree.text(line, "jid"), JsonTree.text(line, "name"), JsonTree.text(line, "state")));
        }
        List<Summary> running = all.stream().filter(s -> RUNNING.equals(s.state)).collect(Collectors.toList());
        if (job == null) {
            if (running.size() == 1) {
                return running.get(0);
            }
            if (running.isEmpty()) {
                throw new CliException("no job is running on " + client.url() + (all.isEmpty() ? " (it has none)"
                        : "; it has " + list(all)), "start the job, or wait until it is RUNNING");
            }
            throw new CliException(running.size() + " jobs are running on " + client.url() + ": " + list(running),
                    "choose one with --job <id or exact name>");
        }
        List<Summary> named = all.stream().filter(s -> job.equals(s.id) || job.equals(s.name))
                .collect(Collectors.toList());
        List<Summary> namedRunning = named.stream().filter(s -> RUNNING.equals(s.state)).collect(Collectors.toList());
        if (namedRunning.size() == 1) {
            return namedRunning.get(0);
        }
        if (namedRunning.size() > 1) {
            throw new CliException(namedRunning.size() + " running jobs are named '" + job + "': " + list(namedRunning),
                    "give the job id with --job");
        }
        if (!named.isEmpty()) {
            Summary last = named.get(0);
            throw new CliException("job " + last.id + " '" + last.name + "' is " + last.state
                    + ": only a running job has live metrics", running.isEmpty() ? "start the job again"
                    : "running: " + list(running));
        }
        throw new CliException("no job " + job + " on " + client.url(), all.isEmpty() ? "it has no job"
                : "its jobs: " + list(all) + " (--job takes an id or the exact name)");
    }

    private static String list(List<Summary> jobs) {
        return jobs.stream().map(Summary::toString).collect(Collectors.joining(", "));
    }

    /** {@code /jobs/:jobid}: the job's vertices and, from its plan, their inputs. */
    static RestJob read(FlinkRestClient client, String jobId) {
        Object details = client.get("/jobs/" + jobId, new CliException("job " + jobId + " is gone from "
                + client.url(), "the JobManager forgets finished jobs after a while (jobstore.expiration-time)"));
        Map<String, List<String>> inputs = new HashMap<>();
        for (Object node : JsonTree.array(JsonTree.object(details, "plan"), "nodes")) {
            List<String> upstream = new ArrayList<>();
            for (Object input : JsonTree.array(node, "inputs")) {
                upstream.add(JsonTree.text(input, "id"));
            }
            inputs.put(JsonTree.text(node, "id"), upstream);
        }
        List<Object> raw = JsonTree.array(details, "vertices");
        Map<String, Integer> names = new HashMap<>();
        raw.forEach(v -> names.merge(JsonTree.text(v, "name"), 1, Integer::sum));
        Map<String, Vertex> vertices = new LinkedHashMap<>();
        for (Object v : raw) {
            String id = JsonTree.text(v, "id");
            String name = JsonTree.text(v, "name");
            // The report groups subtasks by vertex name: two vertices of one name must not merge.
            String unique = names.get(name) > 1 ? name + " [" + id.substring(0, Math.min(6, id.length())) + "]" : name;
            vertices.put(id, new Vertex(id, unique, JsonTree.integer(v, "parallelism", 0), JsonTree.text(v, "status"),
                    inputs.getOrDefault(id, List.of())));
        }
        return new RestJob(jobId, JsonTree.text(details, "name"), JsonTree.text(details, "state"),
                new ArrayList<>(vertices.values()));
    }
}

package dev.chokepoint.cli.report;

import dev.chokepoint.cli.jmx.AgentSettings;
import dev.chokepoint.cli.jmx.TaskSnapshot;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One reading: of a JVM's Chokepoint MBeans, or of a whole job through Flink's REST API
 * ({@link #cluster}); what one table or one JSON object shows.
 */
public final class Snapshot {
    /** The JVM read; -1 for a job read through the REST API. */
    public final long pid;
    public final String agentVersion;
    public final long timestampMillis;
    /** The agent's settings at the time of the reading: the window's size, the level thresholds. */
    public final AgentSettings settings;
    public final List<TaskSnapshot> tasks;
    /**
     * The jobs read, by name then id, each with its own diagnosis: one in a JVM that runs one job
     * (or threads of no Flink job), several in a shared session TaskManager.
     */
    public final List<Job> jobs;
    /** The only job's diagnosis; with several jobs, the first one's (see {@link #jobs}). */
    public final Diagnosis diagnosis;
    /** The job and REST API read; null for a JVM read over JMX. */
    public final ClusterSource cluster;

    public Snapshot(long pid, String agentVersion, long timestampMillis, AgentSettings settings, List<TaskSnapshot> tasks) {
        this(pid, agentVersion, timestampMillis, settings, tasks, null);
    }

    /** A whole job through Flink's REST API: every subtask counts as a full window (the REST API has no sample counts). */
    public Snapshot(ClusterSource cluster, long timestampMillis, AgentSettings settings, List<TaskSnapshot> tasks) {
        this(-1, null, timestampMillis, settings, tasks, cluster);
    }

    /** The same reading with other subtasks (e.g. their histories limited by {@code --since}). */
    public Snapshot withTasks(List<TaskSnapshot> others) {
        return new Snapshot(pid, agentVersion, timestampMillis, settings, others, cluster);
    }

    private Snapshot(long pid, String agentVersion, long timestampMillis, AgentSettings settings,
                     List<TaskSnapshot> tasks, ClusterSource cluster) {
        this.cluster = cluster;
        this.pid = pid;
        this.agentVersion = agentVersion;
        this.timestampMillis = timestampMillis;
        this.settings = settings;
        this.tasks = Collections.unmodifiableList(tasks);
        this.jobs = Job.of(tasks, windowFull());
        this.diagnosis = jobs.get(0).diagnosis;
    }

    /** The subtasks of one Flink job, and where its backpressure comes from. */
    public static final class Job {
        /** Empty when the subtasks do not say (threads of no Flink job, an older agent, a REST reading). */
        public final String name;
        public final String id;
        public final List<TaskSnapshot> tasks;
        public final Diagnosis diagnosis;

        private Job(String name, String id, List<TaskSnapshot> tasks, boolean windowFull) {
            this.name = name;
            this.id = id;
            this.tasks = Collections.unmodifiableList(tasks);
            this.diagnosis = Diagnosis.of(tasks, windowFull);
        }

        /** Never empty: without subtasks, one job of none. */
        static List<Job> of(List<TaskSnapshot> tasks, boolean windowFull) {
            Map<String, List<TaskSnapshot>> byId = new LinkedHashMap<>();
            for (TaskSnapshot task : tasks) {
                byId.computeIfAbsent(task.jobId, id -> new ArrayList<>()).add(task);
            }
            List<Job> jobs = new ArrayList<>();
            byId.forEach((id, subtasks) -> jobs.add(new Job(subtasks.get(0).job, id, subtasks, windowFull)));
            if (jobs.isEmpty()) {
                jobs.add(new Job("", "", List.of(), windowFull));
            }
            jobs.sort(Comparator.comparing((Job j) -> j.name).thenComparing(j -> j.id));
            return Collections.unmodifiableList(jobs);
        }
    }

    /** The fewest samples any subtask has (0 without subtasks). */
    public int minSamples() {
        return tasks.stream().mapToInt(t -> t.samples).min().orElse(0);
    }

    public boolean windowFull() {
        return !tasks.isEmpty() && minSamples() >= settings.samples;
    }
}

package dev.chokepoint.cli.report;

import dev.chokepoint.cli.jmx.AgentSettings;
import dev.chokepoint.cli.jmx.TaskSnapshot;

import java.util.Collections;
import java.util.List;

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

    private Snapshot(long pid, String agentVersion, long timestampMillis, AgentSettings settings,
                     List<TaskSnapshot> tasks, ClusterSource cluster) {
        this.cluster = cluster;
        this.pid = pid;
        this.agentVersion = agentVersion;
        this.timestampMillis = timestampMillis;
        this.settings = settings;
        this.tasks = Collections.unmodifiableList(tasks);
        this.diagnosis = Diagnosis.of(tasks, windowFull());
    }

    /** The fewest samples any subtask has (0 without subtasks). */
    public int minSamples() {
        return tasks.stream().mapToInt(t -> t.samples).min().orElse(0);
    }

    public boolean windowFull() {
        return !tasks.isEmpty() && minSamples() >= settings.samples;
    }
}

package dev.chokepoint.cli.report;

import java.util.List;

/**
 * Where a reading of a whole job came from: Flink's REST API (the JobManager), over every
 * TaskManager, instead of one JVM's MBeans; and what the report must say about how it was read.
 */
public final class ClusterSource {
    /** The REST API's base URL, as given. */
    public final String url;
    public final String jobId;
    public final String jobName;
    /** Flink's job state ({@code RUNNING}, ...). */
    public final String jobState;
    /** Lines on how subtasks were judged and what is missing (e.g. TaskManagers without the agent). */
    public final List<String> notes;

    /** The job's latest checkpoints as the JobManager lists them; empty when it has none (or checkpointing is off). */
    public final List<Checkpoint> checkpoints;

    public ClusterSource(String url, String jobId, String jobName, String jobState, List<String> notes) {
        this(url, jobId, jobName, jobState, notes, List.of());
    }

    public ClusterSource(String url, String jobId, String jobName, String jobState, List<String> notes,
                         List<Checkpoint> checkpoints) {
        this.url = url;
        this.jobId = jobId;
        this.jobName = jobName;
        this.jobState = jobState;
        this.notes = List.copyOf(notes);
        this.checkpoints = List.copyOf(checkpoints);
    }
}

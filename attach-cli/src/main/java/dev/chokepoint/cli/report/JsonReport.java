package dev.chokepoint.cli.report;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.chokepoint.api.Episode;
import dev.chokepoint.api.StatusJson;
import dev.chokepoint.cli.jmx.TaskHistory;
import dev.chokepoint.cli.jmx.TaskSnapshot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code status --json}: one object per reading, on one line, with the field names of
 * {@link StatusJson}; NaN (a value the subtask does not have, e.g. the input pools of a source) is
 * {@code null}, and so are an unknown {@code recordsIn} (-1 in the MBean) and an empty {@code lockOwner}.
 */
public final class JsonReport {

    private static final JsonFactory JSON = new JsonFactory();

    private JsonReport() {
    }

    public static String render(Snapshot snapshot) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
            json.writeStartObject();
            ClusterSource cluster = snapshot.cluster;
            if (cluster == null) {
                json.writeNumberField(StatusJson.PID, snapshot.pid);
            } else {
                json.writeNullField(StatusJson.PID);
            }
            if (snapshot.agentVersion == null) {
                json.writeNullField(StatusJson.AGENT_VERSION);
            } else {
                json.writeStringField(StatusJson.AGENT_VERSION, snapshot.agentVersion);
            }
            json.writeNumberField(StatusJson.TIMESTAMP, snapshot.timestampMillis);
            json.writeBooleanField(StatusJson.WINDOW_FULL, snapshot.windowFull());
            if (cluster != null) {
                json.writeStringField(StatusJson.REST, cluster.url);
                json.writeStringField(StatusJson.JOB_ID, cluster.jobId);
                json.writeStringField(StatusJson.JOB, cluster.jobName);
                json.writeStringField(StatusJson.JOB_STATE, cluster.jobState);
                strings(json, StatusJson.NOTES, cluster.notes);
            }
            if (snapshot.jobs.size() == 1) {
                Snapshot.Job job = snapshot.jobs.get(0);
                if (cluster == null && !job.id.isEmpty()) {
                    json.writeStringField(StatusJson.JOB, job.name);
                    json.writeStringField(StatusJson.JOB_ID, job.id);
                }
                writeJob(json, job.diagnosis, cluster, snapshot.timestampMillis);
            } else {
                // A shared TaskManager: one object per job, each with its own vertices and origins.
                json.writeArrayFieldStart(StatusJson.JOBS);
                for (Snapshot.Job job : snapshot.jobs) {
                    json.writeStartObject();
                    json.writeStringField(StatusJson.NAME, job.name);
                    json.writeStringField(StatusJson.ID, job.id);
                    writeJob(json, job.diagnosis, cluster, snapshot.timestampMillis);
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** {@code vertices}, {@code origin} (the first, as before) and {@code origins} (every one) of one job. */
    private static void writeJob(JsonGenerator json, Diagnosis diagnosis, ClusterSource cluster, long now)
            throws IOException {
        boolean placed = cluster != null;
        List<Checkpoint> checkpoints = cluster == null ? null : cluster.checkpoints;
        json.writeArrayFieldStart(StatusJson.VERTICES);
        for (Vertex vertex : diagnosis.graph.vertices) {
            json.writeStartObject();
            json.writeStringField(StatusJson.NAME, vertex.name);
            string(json, StatusJson.BACKPRESSURE_LEVEL, vertex.level());
            number(json, StatusJson.RATIO, vertex.ratio());
            TaskHistory history = vertex.history();
            writeHistory(json, history, checkpoints, now);
            if (history.known() && history.stepMillis > 0) {
                // the ratios of the vertex only (none through Flink's REST API, which carries the verdict alone): per subtask they would make a 1,000-subtask reading megabytes
                json.writeArrayFieldStart(StatusJson.HISTORY);
                for (double ratio : history.ratios()) {
                    if (Double.isNaN(ratio)) {
                        json.writeNull();
                    } else {
                        json.writeNumber(ratio);
                    }
                }
                json.writeEndArray();
                json.writeNumberField(StatusJson.HISTORY_STEP_MILLIS, history.stepMillis);
                json.writeNumberField(StatusJson.HISTORY_END_MILLIS, history.endMillis);
            }
            json.writeArrayFieldStart(StatusJson.SUBTASKS);
            for (TaskSnapshot task : vertex.subtasks) {
                json.writeStartObject();
                json.writeNumberField(StatusJson.SUBTASK, task.subtask);
                json.writeStringField(StatusJson.THREAD, task.thread);
                if (placed) {
                    json.writeNullField(StatusJson.SAMPLES); // the REST API has no sample counts
                } else {
                    json.writeNumberField(StatusJson.SAMPLES, task.samples);
                }
                string(json, StatusJson.BACKPRESSURE_LEVEL, task.backPressureLevel);
                number(json, StatusJson.RATIO, task.backPressureRatio);
                number(json, StatusJson.HARD_RATIO, task.hardBackPressureRatio);
                number(json, StatusJson.SOFT_RATIO, task.softBackPressureRatio);
                number(json, StatusJson.IDLE_RATIO, task.idleRatio);
                number(json, StatusJson.BUSY_RATIO, task.busyRatio);
                number(json, StatusJson.OUT_POOL_USAGE, task.outPoolUsage);
                number(json, StatusJson.IN_POOL_USAGE, task.inPoolUsage);
                number(json, StatusJson.FLOATING_BUFFERS_USAGE, task.floatingBuffersUsage);
                number(json, StatusJson.EXCLUSIVE_BUFFERS_USAGE, task.exclusiveBuffersUsage);
                number(json, StatusJson.BACK_PRESSURED_TIME_MS_PER_SECOND, task.backPressuredTimeMsPerSecond);
                number(json, StatusJson.CPU_RATIO, task.cpuRatio);
                number(json, StatusJson.GC_RATIO, task.gcRatio);
                number(json, StatusJson.LOCK_RATIO, task.lockRatio);
                number(json, StatusJson.IO_RATIO, task.ioRatio);
                number(json, StatusJson.SLEEP_RATIO, task.sleepRatio);
                number(json, StatusJson.EXTERNAL_WAIT_RATIO, task.externalWaitRatio);
                number(json, StatusJson.OTHER_BUSY_RATIO, task.otherBusyRatio);
                string(json, StatusJson.CAUSE, task.cause == null ? null : task.cause.name());
                string(json, StatusJson.LOCK_OWNER, task.lockOwner == null || task.lockOwner.isEmpty()
                        ? null : task.lockOwner);
                strings(json, StatusJson.HOT_FRAMES, task.hotFrames);
                if (task.recordsIn < 0) {
                    json.writeNullField(StatusJson.RECORDS_IN);
                } else {
                    json.writeNumberField(StatusJson.RECORDS_IN, task.recordsIn);
                }
                writeHistory(json, task.history, checkpoints, now);
                if (placed) {
                    // Only a job read across TaskManagers has them: one JVM's output keeps its shape.
                    string(json, StatusJson.TASK_MANAGER, task.taskManager);
                    string(json, StatusJson.HOST, task.host);
                    string(json, StatusJson.JUDGED_BY, task.judgedBy);
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeFieldName(StatusJson.ORIGIN);
        writeOrigin(json, diagnosis.origins.isEmpty() ? null : diagnosis.origins.get(0), diagnosis.reason);
        json.writeArrayFieldStart(StatusJson.ORIGINS);
        for (Diagnosis.Origin origin : diagnosis.origins) {
            writeOrigin(json, origin, origin.reason);
        }
        json.writeEndArray();
    }

    /**
     * {@code persistence} (null where no history is kept), {@code historyFrom} (who kept it) and
     * {@code episodes} (empty then), oldest
     * first; read through Flink's REST API, each episode with the {@code checkpoints} that ran during it.
     */
    private static void writeHistory(JsonGenerator json, TaskHistory history, List<Checkpoint> checkpoints, long now)
            throws IOException {
        string(json, StatusJson.PERSISTENCE, history.known() ? history.persistence.name() : null);
        string(json, StatusJson.HISTORY_FROM, !history.known() ? null
                : history.watched ? StatusJson.HISTORY_FROM_WATCH : StatusJson.HISTORY_FROM_AGENT);
        json.writeArrayFieldStart(StatusJson.EPISODES);
        for (Episode episode : history.episodes) {
            json.writeStartObject();
            json.writeNumberField(Episode.START, episode.getStart());
            if (episode.isOngoing()) {
                json.writeNullField(Episode.END);
            } else {
                json.writeNumberField(Episode.END, episode.getEnd());
            }
            json.writeBooleanField(Episode.ONGOING, episode.isOngoing());
            json.writeNumberField(Episode.DURATION_MILLIS, episode.getDurationMillis());
            json.writeStringField(Episode.PEAK_LEVEL, episode.getPeakLevel());
            number(json, Episode.MEAN_RATIO, episode.getMeanRatio());
            string(json, Episode.CAUSE, episode.getCause().isEmpty() ? null : episode.getCause());
            if (checkpoints != null) {
                // the JobManager's view only: the ids of the checkpoints of its list that ran during the episode
                json.writeArrayFieldStart(StatusJson.CHECKPOINTS);
                for (long id : Checkpoint.during(episode, checkpoints, now)) {
                    json.writeNumber(id);
                }
                json.writeEndArray();
            }
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static void writeOrigin(JsonGenerator json, Diagnosis.Origin origin, String reason) throws IOException {
        json.writeStartObject();
        if (origin == null) {
            json.writeNullField(StatusJson.VERTEX);
        } else {
            json.writeStringField(StatusJson.VERTEX, origin.vertex.name);
        }
        json.writeStringField(StatusJson.REASON, reason);
        string(json, StatusJson.CAUSE, origin == null ? null : origin.cause.name());
        strings(json, StatusJson.EVIDENCE, origin == null ? List.of() : origin.evidence);
        json.writeArrayFieldStart(StatusJson.SUBTASKS);
        for (int subtask : origin == null ? List.<Integer>of() : origin.bottleneckSubtasks) {
            json.writeNumber(subtask);
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void string(JsonGenerator json, String field, String value) throws IOException {
        if (value == null) {
            json.writeNullField(field);
        } else {
            json.writeStringField(field, value);
        }
    }

    private static void strings(JsonGenerator json, String field, List<String> values) throws IOException {
        json.writeArrayFieldStart(field);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }

    private static void number(JsonGenerator json, String field, double value) throws IOException {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            json.writeNullField(field);
        } else {
            json.writeNumberField(field, value);
        }
    }
}

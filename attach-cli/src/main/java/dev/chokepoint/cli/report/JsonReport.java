package dev.chokepoint.cli.report;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.chokepoint.api.StatusJson;
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
            if (cluster != null) {
                json.writeStringField(StatusJson.REST, cluster.url);
                json.writeStringField(StatusJson.JOB_ID, cluster.jobId);
                json.writeStringField(StatusJson.JOB, cluster.jobName);
                json.writeStringField(StatusJson.JOB_STATE, cluster.jobState);
                strings(json, StatusJson.NOTES, cluster.notes);
            }
            json.writeArrayFieldStart(StatusJson.VERTICES);
            for (Vertex vertex : snapshot.diagnosis.graph.vertices) {
                json.writeStartObject();
                json.writeStringField(StatusJson.NAME, vertex.name);
                string(json, StatusJson.BACKPRESSURE_LEVEL, vertex.level());
                number(json, StatusJson.RATIO, vertex.ratio());
                json.writeArrayFieldStart(StatusJson.SUBTASKS);
                for (TaskSnapshot task : vertex.subtasks) {
                    json.writeStartObject();
                    json.writeNumberField(StatusJson.SUBTASK, task.subtask);
                    json.writeStringField(StatusJson.THREAD, task.thread);
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
                    if (cluster != null) {
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
            json.writeObjectFieldStart(StatusJson.ORIGIN);
            Vertex origin = snapshot.diagnosis.origin;
            if (origin == null) {
                json.writeNullField(StatusJson.VERTEX);
            } else {
                json.writeStringField(StatusJson.VERTEX, origin.name);
            }
            json.writeStringField(StatusJson.REASON, snapshot.diagnosis.reason);
            Diagnosis diagnosis = snapshot.diagnosis;
            string(json, StatusJson.CAUSE, diagnosis.cause == null ? null : diagnosis.cause.name());
            strings(json, StatusJson.EVIDENCE, diagnosis.evidence);
            json.writeArrayFieldStart(StatusJson.SUBTASKS);
            for (int subtask : diagnosis.bottleneckSubtasks) {
                json.writeNumber(subtask);
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toString(StandardCharsets.UTF_8);
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

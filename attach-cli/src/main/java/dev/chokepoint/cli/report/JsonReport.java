package dev.chokepoint.cli.report;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.chokepoint.cli.jmx.TaskSnapshot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code status --json}: one object per reading, on one line. Field names follow Flink's REST API
 * where Flink has the same figure ({@code ratio}, {@code idleRatio}, {@code busyRatio},
 * {@code subtask} 0-based) and Flink's metric names for the pool gauges; NaN (a value the subtask
 * does not have, e.g. the input pools of a source) is {@code null}.
 */
public final class JsonReport {

    private static final JsonFactory JSON = new JsonFactory();

    private JsonReport() {
    }

    public static String render(Snapshot snapshot) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeNumberField("pid", snapshot.pid);
            if (snapshot.agentVersion == null) {
                json.writeNullField("agentVersion");
            } else {
                json.writeStringField("agentVersion", snapshot.agentVersion);
            }
            json.writeNumberField("timestamp", snapshot.timestampMillis);
            json.writeArrayFieldStart("vertices");
            for (Vertex vertex : snapshot.diagnosis.graph.vertices) {
                json.writeStartObject();
                json.writeStringField("name", vertex.name);
                json.writeStringField("backpressureLevel", vertex.level());
                number(json, "ratio", vertex.ratio());
                json.writeArrayFieldStart("subtasks");
                for (TaskSnapshot task : vertex.subtasks) {
                    json.writeStartObject();
                    json.writeNumberField("subtask", task.subtask);
                    json.writeStringField("thread", task.thread);
                    json.writeStringField("backpressureLevel", task.backPressureLevel);
                    number(json, "ratio", task.backPressureRatio);
                    number(json, "hardRatio", task.hardBackPressureRatio);
                    number(json, "softRatio", task.softBackPressureRatio);
                    number(json, "idleRatio", task.idleRatio);
                    number(json, "busyRatio", task.busyRatio);
                    number(json, "outPoolUsage", task.outPoolUsage);
                    number(json, "inPoolUsage", task.inPoolUsage);
                    number(json, "floatingBuffersUsage", task.floatingBuffersUsage);
                    number(json, "exclusiveBuffersUsage", task.exclusiveBuffersUsage);
                    number(json, "backPressuredTimeMsPerSecond", task.backPressuredTimeMsPerSecond);
                    json.writeEndObject();
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeObjectFieldStart("origin");
            Vertex origin = snapshot.diagnosis.origin;
            if (origin == null) {
                json.writeNullField("vertex");
            } else {
                json.writeStringField("vertex", origin.name);
            }
            json.writeStringField("reason", snapshot.diagnosis.reason);
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static void number(JsonGenerator json, String field, double value) throws IOException {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            json.writeNullField(field);
        } else {
            json.writeNumberField(field, value);
        }
    }
}

package dev.chokepoint.cli.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.chokepoint.cli.report.Tasks.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class JsonReportTest {

    @Test
    void theIssuesShapeWithNanAsNull() throws IOException {
        Snapshot snapshot = new Snapshot(42, "0.1.0-test", 1700000000000L, 100, List.of(
                task("Map", 0, 1).ratio(0).busy(0.9).out(0.2).in(0, 0, 0).build(),
                task("Source: S", 0, 1).ratio(0.75).out(1.0).build()));

        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) parse(JsonReport.render(snapshot));

        assertEquals(List.of("pid", "agentVersion", "timestamp", "vertices", "origin"), new ArrayList<>(json.keySet()));
        assertEquals(42L, json.get("pid"));
        assertEquals("0.1.0-test", json.get("agentVersion"));
        assertEquals(1700000000000L, json.get("timestamp"));
        List<?> vertices = (List<?>) json.get("vertices");
        Map<?, ?> source = (Map<?, ?>) vertices.get(0);
        assertEquals(List.of("name", "backpressureLevel", "ratio", "subtasks"), new ArrayList<>(source.keySet()));
        assertEquals("Source: S", source.get("name"));
        assertEquals("HIGH", source.get("backpressureLevel"));
        assertEquals(0.75, source.get("ratio"));
        Map<?, ?> subtask = (Map<?, ?>) ((List<?>) source.get("subtasks")).get(0);
        assertEquals(List.of("subtask", "thread", "backpressureLevel", "ratio", "hardRatio", "softRatio", "idleRatio",
                "busyRatio", "outPoolUsage", "inPoolUsage", "floatingBuffersUsage", "exclusiveBuffersUsage",
                "backPressuredTimeMsPerSecond"), new ArrayList<>(subtask.keySet()));
        assertEquals(0L, subtask.get("subtask"));
        assertEquals("Source: S (1/1)#0", subtask.get("thread"));
        assertEquals(1.0, subtask.get("outPoolUsage"));
        assertNull(subtask.get("inPoolUsage"), "a source has no input pools: NaN is null");
        assertEquals("Map", ((Map<?, ?>) vertices.get(1)).get("name"));
        Map<?, ?> origin = (Map<?, ?>) json.get("origin");
        assertEquals("Map", origin.get("vertex"));
        assertEquals(String.class, origin.get("reason").getClass());
    }

    /** A minimal tree reader over jackson-core's streaming parser: objects keep their field order. */
    static Object parse(String text) throws IOException {
        try (JsonParser parser = new JsonFactory().createParser(text)) {
            parser.nextToken();
            Object value = value(parser);
            if (parser.nextToken() != null) {
                throw new IOException("trailing content after the JSON value");
            }
            return value;
        }
    }

    private static Object value(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT:
                Map<String, Object> object = new LinkedHashMap<>();
                while (parser.nextToken() != JsonToken.END_OBJECT) {
                    String name = parser.currentName();
                    parser.nextToken();
                    object.put(name, value(parser));
                }
                return object;
            case START_ARRAY:
                List<Object> array = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(value(parser));
                }
                return array;
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
                return parser.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return parser.getDoubleValue();
            case VALUE_TRUE:
            case VALUE_FALSE:
                return parser.getBooleanValue();
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected " + token);
        }
    }
}

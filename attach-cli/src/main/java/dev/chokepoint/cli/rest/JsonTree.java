package dev.chokepoint.cli.rest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON answer as plain Java values ({@code Map}, {@code List}, {@code String}, {@code Number},
 * {@code Boolean}, {@code null}), read with jackson-core, which the CLI already has: Flink's answers
 * are small, and a tree is the shortest way to pick a few fields out of them.
 */
public final class JsonTree {

    private static final JsonFactory JSON = new JsonFactory();

    private JsonTree() {
    }

    public static Object parse(byte[] body) throws IOException {
        try (JsonParser parser = JSON.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new IOException("empty answer");
            }
            Object value = value(parser, first);
            if (parser.nextToken() != null) {
                throw new IOException("more than one JSON value");
            }
            return value;
        }
    }

    private static Object value(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT:
                Map<String, Object> object = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    object.put(name, value(parser, parser.nextToken()));
                }
                return object;
            case START_ARRAY:
                List<Object> array = new ArrayList<>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
                    array.add(value(parser, next));
                }
                return array;
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return parser.getNumberValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected JSON token " + token);
        }
    }

    /** The object's field as an object; empty when absent or not an object. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object parent, String field) {
        Object value = parent instanceof Map ? ((Map<String, Object>) parent).get(field) : null;
        return value instanceof Map ? (Map<String, Object>) value : Collections.emptyMap();
    }

    /** The object's field as an array; empty when absent or not an array. */
    @SuppressWarnings("unchecked")
    static List<Object> array(Object parent, String field) {
        Object value = parent instanceof Map ? ((Map<String, Object>) parent).get(field) : null;
        return value instanceof List ? (List<Object>) value : Collections.emptyList();
    }

    /** The object's field as text (a number too); null when absent. */
    @SuppressWarnings("unchecked")
    static String text(Object parent, String field) {
        Object value = parent instanceof Map ? ((Map<String, Object>) parent).get(field) : null;
        return value == null || value instanceof Map || value instanceof List ? null : String.valueOf(value);
    }

    /** The object's field as an int; {@code fallback} when absent or not a number. */
    @SuppressWarnings("unchecked")
    static int integer(Object parent, String field, int fallback) {
        Object value = parent instanceof Map ? ((Map<String, Object>) parent).get(field) : null;
        return value instanceof Number ? ((Number) value).intValue() : fallback;
    }

    /** The object's field as a long (epoch milliseconds, counts); {@code fallback} when absent or not a number. */
    @SuppressWarnings("unchecked")
    static long longNumber(Object parent, String field, long fallback) {
        Object value = parent instanceof Map ? ((Map<String, Object>) parent).get(field) : null;
        return value instanceof Number ? ((Number) value).longValue() : fallback;
    }
}

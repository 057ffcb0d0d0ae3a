package dev.chokepoint.bench.job;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one line a child JVM prints with its measurement: a fixed prefix, then {@code key=value}
 * pairs separated by spaces (values without spaces), e.g.
 * {@code chokepoint-bench-job: result records=123 nanos=30000000000}.
 */
final class ResultLine {

    static final String PREFIX = "chokepoint-bench-job: result ";

    private final Map<String, String> values;

    private ResultLine(Map<String, String> values) {
        this.values = values;
    }

    static String format(Map<String, ?> values) {
        StringBuilder line = new StringBuilder(PREFIX);
        for (Map.Entry<String, ?> e : values.entrySet()) {
            String value = String.valueOf(e.getValue());
            if (e.getKey().isEmpty() || e.getKey().contains("=") || e.getKey().contains(" ") || value.contains(" ")) {
                throw new IllegalArgumentException("no spaces or '=' in a key, no spaces in a value: " + e);
            }
            line.append(e.getKey()).append('=').append(value).append(' ');
        }
        return line.toString().trim();
    }

    /** The last result line among {@code lines}; an error naming the log when there is none. */
    static ResultLine last(List<String> lines, String where) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i);
            int at = line.indexOf(PREFIX);
            if (at >= 0) {
                return parse(line.substring(at + PREFIX.length()));
            }
        }
        throw new IllegalStateException("no '" + PREFIX.trim() + "' line in " + where);
    }

    static ResultLine parse(String pairs) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : pairs.trim().split("\\s+")) {
            int eq = pair.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("expected key=value, got '" + pair + "' in '" + pairs + "'");
            }
            values.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return new ResultLine(values);
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    String string(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException("result has no " + key + ": " + values);
        }
        return value;
    }

    long longValue(String key) {
        return Long.parseLong(string(key));
    }

    double doubleValue(String key) {
        return Double.parseDouble(string(key));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s", values);
    }
}

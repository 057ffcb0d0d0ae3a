package dev.chokepoint.bench.job;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --key=value} command-line arguments, with durations written as {@code 500ms}, {@code 15s} or {@code 2m}. */
final class Options {

    private final Map<String, String> values;

    private Options(Map<String, String> values) {
        this.values = values;
    }

    static Options parse(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 3) {
                throw new IllegalArgumentException("expected --key=value, got '" + arg + "'");
            }
            values.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return new Options(values);
    }

    String string(String key, String defaultValue) {
        return values.getOrDefault(key, defaultValue);
    }

    String required(String key) {
        String value = values.get(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("--" + key + "= is required");
        }
        return value;
    }

    int positiveInt(String key, int defaultValue) {
        String value = values.get(key);
        int n;
        try {
            n = value == null ? defaultValue : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + "=" + value + ": expected a positive integer");
        }
        if (n < 1) {
            throw new IllegalArgumentException("--" + key + "=" + value + ": expected a positive integer");
        }
        return n;
    }

    boolean bool(String key, boolean defaultValue) {
        String value = values.get(key);
        return value == null ? defaultValue : Boolean.parseBoolean(value.trim());
    }

    Duration duration(String key, String defaultValue) {
        return parseDuration(key, values.getOrDefault(key, defaultValue));
    }

    static Duration parseDuration(String key, String text) {
        String t = text.trim();
        try {
            Duration d;
            if (t.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            } else if (t.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            } else if (t.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            } else {
                throw new NumberFormatException();
            }
            if (d.isNegative() || d.isZero()) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + "=" + text + ": expected a duration such as 500ms, 15s or 2m");
        }
    }
}

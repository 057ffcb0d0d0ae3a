package dev.chokepoint.bench.job;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The output of HotSpot's {@code GC.class_histogram} (what {@code jcmd <pid> GC.class_histogram}
 * prints): live objects only, after the full GC the command runs, as bytes and instances per class.
 */
final class ClassHistogram {

    /** {@code   12:          3456         78901  java.lang.String (java.base@17.0.2)}: the module part is optional. */
    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*$");
    private static final Pattern TOTAL = Pattern.compile("^\\s*Total\\s+(\\d+)\\s+(\\d+)\\s*$");

    /** The agent's own classes (its relocated libraries included), not this benchmark's. */
    static final String AGENT_PACKAGE = "dev.chokepoint.";
    static final String BENCHMARK_PACKAGE = "dev.chokepoint.bench.";

    private final Map<String, long[]> rows;
    private final long totalBytes;
    private final long totalInstances;

    private ClassHistogram(Map<String, long[]> rows, long totalBytes, long totalInstances) {
        this.rows = rows;
        this.totalBytes = totalBytes;
        this.totalInstances = totalInstances;
    }

    static ClassHistogram parse(String text) {
        Map<String, long[]> rows = new LinkedHashMap<>();
        long totalBytes = -1;
        long totalInstances = -1;
        for (String line : text.split("\\R")) {
            Matcher row = ROW.matcher(line);
            if (row.matches()) {
                // one class can appear once per class loader: add them up
                long[] counts = rows.computeIfAbsent(row.group(3), k -> new long[2]);
                counts[0] += Long.parseLong(row.group(1));
                counts[1] += Long.parseLong(row.group(2));
                continue;
            }
            Matcher total = TOTAL.matcher(line);
            if (total.matches()) {
                totalInstances = Long.parseLong(total.group(1));
                totalBytes = Long.parseLong(total.group(2));
            }
        }
        if (totalBytes < 0 || rows.isEmpty()) {
            throw new IllegalArgumentException("not a class histogram (no rows or no Total line)");
        }
        return new ClassHistogram(Collections.unmodifiableMap(rows), totalBytes, totalInstances);
    }

    long totalBytes() {
        return totalBytes;
    }

    long totalInstances() {
        return totalInstances;
    }

    long bytes(String className) {
        long[] counts = rows.get(className);
        return counts == null ? 0 : counts[1];
    }

    long instances(String className) {
        long[] counts = rows.get(className);
        return counts == null ? 0 : counts[0];
    }

    Map<String, long[]> rows() {
        return rows;
    }

    /** Shallow bytes of the agent's objects: {@code dev.chokepoint.*} apart from this benchmark's classes. */
    long agentShallowBytes() {
        long sum = 0;
        for (Map.Entry<String, long[]> e : rows.entrySet()) {
            if (isAgentClass(e.getKey())) {
                sum += e.getValue()[1];
            }
        }
        return sum;
    }

    long agentInstances() {
        long sum = 0;
        for (Map.Entry<String, long[]> e : rows.entrySet()) {
            if (isAgentClass(e.getKey())) {
                sum += e.getValue()[0];
            }
        }
        return sum;
    }

    static boolean isAgentClass(String className) {
        return className.startsWith(AGENT_PACKAGE) && !className.startsWith(BENCHMARK_PACKAGE);
    }
}

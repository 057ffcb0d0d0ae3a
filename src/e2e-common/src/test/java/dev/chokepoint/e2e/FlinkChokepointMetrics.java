package dev.chokepoint.e2e;

import dev.chokepoint.api.FlinkMetricNames;
import dev.chokepoint.api.ObjectNames;
import dev.chokepoint.cli.jmx.ChokepointReader;
import dev.chokepoint.cli.jmx.TaskSnapshot;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The agent's figures as <b>Flink's own metric system</b> carries them: the gauges the agent
 * registers in each task's metric group ({@link FlinkMetricNames}), read through Flink's JMX
 * reporter in the child JVM, as {@code org.apache.flink.taskmanager.job.task.chokepoint.<name>}
 * MBeans with Flink's labels ({@code task_name}, {@code subtask_index}, {@code task_attempt_num}),
 * and compared with the agent's Task MBean of the same subtask read just before.
 */
final class FlinkChokepointMetrics {

    static final String DOMAIN_PREFIX = FlinkMetricsOracle.TASK_DOMAIN + FlinkMetricNames.GROUP + ".";
    /** Reads compared; with {@link FlinkBufferPoolScenario#AGREEMENT} each value may disagree in one of them. */
    static final int READS = 20;
    static final Duration READ_INTERVAL = Duration.ofMillis(250);
    /** A ratio read back to back from both sides: the agent's window moves by 0.01 a tick. */
    static final double RATIO_TOLERANCE = 0.05;
    static final double MS_PER_SECOND_TOLERANCE = 1000 * RATIO_TOLERANCE;
    static final Duration LISTED_TIMEOUT = Duration.ofSeconds(30);

    private final MBeanServerConnection mbeans;
    private final ChokepointReader reader;

    FlinkChokepointMetrics(MBeanServerConnection mbeans, ChokepointReader reader) {
        this.mbeans = mbeans;
        this.reader = reader;
    }

    /**
     * Every metric of {@link FlinkMetricNames#ALL}, of every subtask Flink's JMX reporter shows one
     * of, keyed by {@link FlinkMetricsOracle#key}: of several attempts, the latest.
     */
    Map<String, Map<String, ObjectName>> list() throws IOException {
        Map<String, Map<String, ObjectName>> subtasks = new TreeMap<>();
        Map<String, Integer> attempts = new TreeMap<>();
        for (ObjectName name : mbeans.queryNames(objectName(DOMAIN_PREFIX + "*:*"), null)) {
            String metric = name.getDomain().substring(DOMAIN_PREFIX.length());
            String taskName = name.getKeyProperty("task_name");
            String subtask = name.getKeyProperty("subtask_index");
            if (taskName == null || subtask == null || !FlinkMetricNames.ALL.contains(metric)) {
                continue;
            }
            String key = FlinkMetricsOracle.key(taskName, Integer.parseInt(subtask));
            int attempt = Integer.parseInt(name.getKeyProperty("task_attempt_num") == null
                    ? "0" : name.getKeyProperty("task_attempt_num"));
            Integer known = attempts.get(key);
            if (known == null || known < attempt) {
                attempts.put(key, attempt);
                subtasks.put(key, new TreeMap<>());
            } else if (known > attempt) {
                continue;
            }
            subtasks.get(key).put(metric, name);
        }
        return subtasks;
    }

    /** Waits until Flink lists every metric of every one of {@code subtasks}; returns the listing. */
    Map<String, Map<String, ObjectName>> awaitListed(String label, Set<String> subtasks) {
        Map<String, Map<String, ObjectName>> listed = new TreeMap<>();
        await(label + ": Flink's JMX reporter lists " + FlinkMetricNames.ALL + " in group "
                + FlinkMetricNames.GROUP + " of each of " + subtasks)
                .atMost(LISTED_TIMEOUT).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    Map<String, Map<String, ObjectName>> now = list();
                    assertEquals(subtasks, now.keySet(), "subtasks with chokepoint metrics in Flink");
                    for (Map.Entry<String, Map<String, ObjectName>> subtask : now.entrySet()) {
                        assertEquals(new TreeSet<>(FlinkMetricNames.ALL), subtask.getValue().keySet(),
                                "chokepoint metrics of " + subtask.getKey() + " in Flink");
                    }
                    listed.clear();
                    listed.putAll(now);
                });
        System.out.printf("[%s] Flink lists the %d chokepoint metrics of each of %s%n", label,
                FlinkMetricNames.ALL.size(), subtasks);
        return listed;
    }

    /**
     * {@link #READS} reads, each subtask's Task MBean then its Flink gauges back to back: the level
     * code and the cause equal, the ratios within {@link #RATIO_TOLERANCE}, the blocked time within
     * {@link #MS_PER_SECOND_TOLERANCE}, the p99 wait equal (both NaN where no request waited), in at
     * least {@link FlinkBufferPoolScenario#AGREEMENT} of the reads of each subtask and value.
     */
    void assertAgreesWithTheAgent(String label, Set<String> subtasks) throws Exception {
        Map<String, Map<String, ObjectName>> listed = awaitListed(label, subtasks);
        Map<String, String> threads = threadsByKey();
        String[] attributes = FlinkMetricNames.TASK_ATTRIBUTES.values().toArray(new String[0]);
        Map<String, int[]> counts = new TreeMap<>();
        StringBuilder disagreements = new StringBuilder();
        StringBuilder lastRead = new StringBuilder();
        for (int read = 1; read <= READS; read++) {
            lastRead.setLength(0);
            for (String key : subtasks) {
                Map<String, Object> ours = agentValues(threads.get(key), attributes);
                Map<String, Object> flink = flinkValues(listed.get(key));
                List<Object> flinkInOrder = new ArrayList<>();
                for (String metric : FlinkMetricNames.ALL) {
                    flinkInOrder.add(flink.get(metric));
                }
                lastRead.append(String.format("  %-24s agent %s%n  %-24s Flink %s%n", key, ours.values(), "", flinkInOrder));
                for (String metric : FlinkMetricNames.ALL) {
                    int[] count = counts.computeIfAbsent(key + " " + metric, k -> new int[2]);
                    count[1]++;
                    if (agrees(metric, ours.get(FlinkMetricNames.TASK_ATTRIBUTES.get(metric)), flink.get(metric))) {
                        count[0]++;
                    } else {
                        disagreements.append(String.format("  read %2d %-24s %-24s agent %s | Flink %s%n", read, key,
                                metric, ours.get(FlinkMetricNames.TASK_ATTRIBUTES.get(metric)), flink.get(metric)));
                    }
                }
            }
            Thread.sleep(READ_INTERVAL.toMillis());
        }
        List<String> failures = new ArrayList<>();
        counts.forEach((value, count) -> {
            if (count[0] < FlinkBufferPoolScenario.AGREEMENT * count[1]) {
                failures.add(value + " " + count[0] + "/" + count[1]);
            }
        });
        if (!failures.isEmpty()) {
            fail("Flink's chokepoint metrics disagree with the agent's Task MBeans: " + failures
                    + "\ndisagreements:\n" + disagreements);
        }
        System.out.printf("[%s] Flink's chokepoint metrics agree with the Task MBeans in %d reads of %s; the last read "
                + "(%s):%n%s%s", label, READS, subtasks, String.join(", ", FlinkMetricNames.ALL), lastRead,
                disagreements.length() == 0 ? "" : "disagreements:\n" + disagreements);
    }

    /**
     * Flink's REST API lists every metric of every one of {@code subtasks} under its vertex, as
     * {@code <subtask>.chokepoint.<name>}, and its {@code levelCode} is the agent's (the scenario's
     * levels are steady). Waits for Flink's metric fetcher, which serves what it last fetched.
     */
    void assertListedByRest(String label, FlinkRestBackPressure rest, Set<String> subtasks) {
        await(label + ": Flink's REST API lists the chokepoint metrics of each of " + subtasks
                + " with the agent's level codes")
                .atMost(LISTED_TIMEOUT).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    Map<String, Set<String>> listed = rest.vertexMetricIds();
                    Set<String> found = new TreeSet<>();
                    for (TaskSnapshot task : reader.tasks()) {
                        String key = FlinkMetricsOracle.key(task.vertex, task.subtask);
                        if (!subtasks.contains(key)) {
                            continue;
                        }
                        String vertex = null;
                        for (String name : listed.keySet()) {
                            vertex = FlinkMetricsOracle.key(name, task.subtask).equals(key) ? name : vertex;
                        }
                        assertTrue(vertex != null, "no vertex of " + key + " in " + listed.keySet());
                        Set<String> ids = new TreeSet<>();
                        for (String metric : FlinkMetricNames.GAUGES) {
                            ids.add(FlinkMetricNames.restId(task.subtask, metric));
                        }
                        Set<String> missing = new TreeSet<>(ids);
                        missing.removeAll(listed.get(vertex));
                        assertEquals(new TreeSet<>(), missing, "REST ids of " + key + " not listed");
                        String levelId = FlinkMetricNames.restId(task.subtask, FlinkMetricNames.LEVEL_CODE);
                        String level = rest.vertexMetricValues(vertex, java.util.Collections.singleton(levelId)).get(levelId);
                        assertEquals(String.valueOf(task.levelCode), level, "REST " + levelId + " of " + vertex);
                        // the one text the CLI reads instead of the single gauges: the same figure in its place
                        String figuresId = FlinkMetricNames.restId(task.subtask, FlinkMetricNames.FIGURES);
                        String figures = rest.vertexMetricValues(vertex, java.util.Collections.singleton(figuresId))
                                .get(figuresId);
                        assertEquals(level, figures == null ? null
                                : FlinkMetricNames.unpack(figures).get(FlinkMetricNames.LEVEL_CODE), "REST " + figuresId);
                        found.add(key);
                    }
                    assertEquals(subtasks, found, "subtasks the agent reports");
                });
        System.out.printf("[%s] Flink's REST API lists the chokepoint metrics of %s with the agent's level codes%n",
                label, subtasks);
    }

    /** After a detach: Flink still lists the gauges (it cannot remove them), and they read NaN and empty text. */
    void assertUnknown(String label, Set<String> subtasks) throws Exception {
        Map<String, Map<String, ObjectName>> listed = list();
        assertEquals(subtasks, listed.keySet(), "subtasks with chokepoint metrics in Flink after the detach");
        for (String key : subtasks) {
            Map<String, Object> flink = flinkValues(listed.get(key));
            for (String metric : FlinkMetricNames.NUMBERS) {
                Object value = flink.get(metric);
                assertTrue(value instanceof Double && ((Double) value).isNaN(),
                        "Flink's " + key + " " + metric + " after the detach: " + value);
            }
            assertEquals("", flink.get(FlinkMetricNames.CAUSE), "Flink's " + key + " cause after the detach");
        }
        System.out.printf("[%s] after the detach Flink's chokepoint metrics of %s read NaN%n", label, subtasks);
    }

    private Map<String, String> threadsByKey() throws IOException {
        Map<String, String> threads = new TreeMap<>();
        for (TaskSnapshot task : reader.tasks()) {
            threads.put(FlinkMetricsOracle.key(task.vertex, task.subtask), task.thread);
        }
        return threads;
    }

    private Map<String, Object> agentValues(String thread, String[] attributes) throws Exception {
        Map<String, Object> values = new LinkedHashMap<>();
        if (thread == null) {
            return values;
        }
        AttributeList list = mbeans.getAttributes(onlyTask(mbeans, thread), attributes);
        for (Attribute attribute : list.asList()) {
            values.put(attribute.getName(), attribute.getValue());
        }
        return values;
    }

    /** The one Task MBean of that subtask name: these scenarios run one job per TaskManager. */
    static ObjectName onlyTask(MBeanServerConnection mbeans, String thread) throws IOException {
        java.util.Set<ObjectName> names = mbeans.queryNames(ObjectNames.tasksNamed(thread), null);
        if (names.size() != 1) {
            throw new AssertionError("expected one Task MBean named " + thread + ", found " + names);
        }
        return names.iterator().next();
    }

    private Map<String, Object> flinkValues(Map<String, ObjectName> names) throws IOException {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, ObjectName> metric : names.entrySet()) {
            try {
                values.put(metric.getKey(), mbeans.getAttribute(metric.getValue(), "Value"));
            } catch (InstanceNotFoundException e) {
                values.put(metric.getKey(), null); // the task went away between the listing and the read
            } catch (JMException e) {
                throw new IOException("cannot read " + metric.getValue() + ".Value: " + e.getMessage(), e);
            }
        }
        return values;
    }

    private static boolean agrees(String metric, Object ours, Object flink) {
        if (ours == null || flink == null) {
            return false;
        }
        if (FlinkMetricNames.CAUSE.equals(metric)) {
            return ours.equals(flink);
        }
        if (!(ours instanceof Number) || !(flink instanceof Number)) {
            return false;
        }
        double a = ((Number) ours).doubleValue();
        double b = ((Number) flink).doubleValue();
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Double.isNaN(a) && Double.isNaN(b);
        }
        switch (metric) {
            case FlinkMetricNames.LEVEL_CODE:
            case FlinkMetricNames.BUFFER_WAIT_P99_MICROS:
                return a == b;
            case FlinkMetricNames.BLOCKED_TIME_MS_PER_SECOND:
                return Math.abs(a - b) <= MS_PER_SECOND_TOLERANCE;
            default:
                return Math.abs(a - b) <= RATIO_TOLERANCE;
        }
    }

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(name, e);
        }
    }
}

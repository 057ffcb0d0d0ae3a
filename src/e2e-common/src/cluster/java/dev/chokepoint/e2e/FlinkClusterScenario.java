package dev.chokepoint.e2e;

import dev.chokepoint.api.BackPressureLevel;
import dev.chokepoint.api.FlinkMetricNames;
import dev.chokepoint.api.TaskAttributes;
import dev.chokepoint.cli.testing.JavaProcess;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One job across two TaskManagers of a real standalone cluster ({@link StandaloneCluster}), the
 * agent in each TaskManager, watched the way an operator would: Flink's Prometheus reporter and
 * jmx_exporter (with {@code contrib/jmx_exporter/chokepoint.yml}) on every TaskManager, scraped by
 * a real Prometheus that loads {@code contrib/prometheus/chokepoint-rules.yml}. One cluster and one
 * Prometheus for all the checks of a class; a module's subclass says only what its Flink version
 * does differently.
 *
 * <p>The job ({@link ClusterJobs}): Source: Events → Parse in one TaskManager, Enrich (the
 * bottleneck) → Sink: Discard in the other.
 *
 * <p>The agent comes into the TaskManagers both ways an operator loads it: TaskManager 0 starts
 * with {@code -javaagent}, TaskManager {@value #ATTACHED_TASK_MANAGER} without, and the real CLI
 * ({@code chokepoint attach <pid>}) loads it once the job runs there; whichever half of the job a
 * TaskManager gets, every check reads the figures of both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class FlinkClusterScenario {

    static final int TASK_MANAGERS = 2;
    /** The TaskManager that starts without the agent and gets it by {@code chokepoint attach} once the job runs. */
    static final int ATTACHED_TASK_MANAGER = 1;
    static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(120);
    static final Duration POLL = Duration.ofSeconds(1);
    /** What Flink's Prometheus reporter does to label values by default ({@code filterLabelValueCharacters}). */
    static final String UNALLOWED_LABEL_CHARACTERS = "[^a-zA-Z0-9:_]";
    /** The job's series among the reporter's (its name filtered: {@code chokepoint_e2e_cluster}). */
    static final String JOB_SELECTOR = "{job_name=\"" + label(ClusterJobs.JOB_NAME) + "\"}";

    private static final ObjectMapper JSON = new ObjectMapper();

    private StandaloneCluster cluster;
    private Prometheus prometheus;
    private final List<String> jmxExporterTargets = new ArrayList<>();
    private String jobId;

    /** {@code flink-conf.yaml} (1.x) or {@code config.yaml} (2.x's {@code GlobalConfiguration.FLINK_CONF_FILENAME}). */
    protected String configFileName() {
        return "flink-conf.yaml";
    }

    /** JVM flags every cluster JVM needs on the test's JDK; none by default. */
    protected List<String> clusterJvmArgs() {
        return Collections.emptyList();
    }

    /** A per-subtask metric every task of this Flink version has, with its Prometheus name. */
    protected String flinkTaskMetric() {
        return "flink_taskmanager_job_task_busyTimeMsPerSecond";
    }

    /** Whether this version measures a task's busy time ({@code busyTimeMsPerSecond}, 1.13+): Flink's own view of the bottleneck. */
    protected boolean flinkMeasuresBusyTime() {
        return true;
    }

    /** Flink metrics the dashboard shows that this version does not have (their panels stay empty here). */
    protected Set<String> flinkMetricsNotInThisVersion() {
        return Collections.emptySet();
    }

    @BeforeAll
    void startClusterAndPrometheus() throws Exception {
        assumeTrue(Prometheus.onPath("prometheus").isPresent(),
                "no prometheus on the PATH (.ci/run installs Debian's prometheus package): the cluster checks need one");
        String name = getClass().getSimpleName();
        Path jmxExporter = Paths.get("target", "cluster-lib", "jmx_prometheus_javaagent.jar").toAbsolutePath();
        assertTrue(Files.isRegularFile(jmxExporter), jmxExporter + " is missing: the e2e-parent POM copies it");
        Path jmxConfig = Contrib.file(Contrib.JMX_EXPORTER);
        List<Integer> jmxPorts = new ArrayList<>();
        for (int i = 0; i < TASK_MANAGERS; i++) {
            jmxPorts.add(Loopback.freePort());
            jmxExporterTargets.add(Loopback.HOST + ":" + jmxPorts.get(i));
        }
        boolean started = false;
        try {
            cluster = StandaloneCluster.builder(name)
                    .taskManagers(TASK_MANAGERS)
                    .configFileName(configFileName())
                    .jvmArgs(clusterJvmArgs())
                    .taskManagerJvmArgs(i -> i == ATTACHED_TASK_MANAGER
                            ? Collections.singletonList(
                                    "-javaagent:" + jmxExporter + "=" + Loopback.HOST + ":" + jmxPorts.get(i) + ":" + jmxConfig)
                            : Arrays.asList(
                                    "-javaagent:" + JavaProcess.agentJar(),
                                    "-javaagent:" + jmxExporter + "=" + Loopback.HOST + ":" + jmxPorts.get(i) + ":" + jmxConfig))
                    .start();
            jobId = cluster.submit(ClusterJobs.class.getName());
            cluster.awaitRunning(jobId);
            attachWithTheCli(name, cluster.taskManagers().get(ATTACHED_TASK_MANAGER).pid());
            System.out.printf("[%s] job %s running on %s%n", name, jobId, cluster.restUrl());
            prometheus = Prometheus.builder(name)
                    .scrape("flink", cluster.reporterTargets())
                    .scrape("chokepoint-jmx", jmxExporterTargets)
                    .ruleFile(rulesWithShortOriginFor(name))
                    .start();
            started = true;
        } finally {
            if (!started) {
                stop();
            }
        }
    }

    /** {@code chokepoint attach <pid>}, the real jar, into a TaskManager whose tasks already run. */
    private static void attachWithTheCli(String name, long pid) throws Exception {
        String output = CliJar.run(Duration.ofSeconds(120), "attach", Long.toString(pid),
                "--agent", JavaProcess.agentJar().toString());
        System.out.printf("[%s] chokepoint attach %d: %s%n", name, pid, output);
    }

    @AfterAll
    void stop() throws InterruptedException {
        try {
            if (prometheus != null) {
                prometheus.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Test
    void theJobRunsOnBothTaskManagersSplitBySlotSharingGroup() throws Exception {
        JsonNode taskManagers = cluster.rest("/taskmanagers").path("taskmanagers");
        Set<String> ids = new TreeSet<>();
        taskManagers.forEach(tm -> ids.add(tm.path("id").asText()));
        assertEquals(new TreeSet<>(Arrays.asList(StandaloneCluster.TASK_MANAGER_ID_PREFIX + 0,
                StandaloneCluster.TASK_MANAGER_ID_PREFIX + 1)), ids, "the TaskManagers the JobManager knows");
        for (JsonNode tm : taskManagers) {
            assertEquals(1, tm.path("slotsNumber").asInt(), "slots of " + tm.path("id").asText());
            assertEquals(0, tm.path("freeSlots").asInt(), "free slots of " + tm.path("id").asText()
                    + ": each slot sharing group takes one");
        }
        // Where each vertex runs, as the reporter labels its metrics.
        Map<String, String> placement = awaitFlinkPlacement();
        String up = placement.get(label(ClusterJobs.SOURCE_VERTEX));
        String down = placement.get(label(ClusterJobs.ENRICH_VERTEX));
        assertEquals(up, placement.get(label(ClusterJobs.PARSE_VERTEX)), "Parse shares its slot with the source: " + placement);
        assertEquals(down, placement.get(label(ClusterJobs.SINK_VERTEX)), "the sink shares its slot with Enrich: " + placement);
        assertNotEquals(up, down, "slot sharing groups 'up' and 'down' on different TaskManagers: " + placement);
    }

    /**
     * The JobManager's REST API lists the agent's metrics of every vertex (from both TaskManagers,
     * the attached one too), and {@code status --rest} names the levels, the origin and each
     * subtask's TaskManager from it alone, judged by the agents' figures.
     */
    @Test
    void theJobManagersRestApiCarriesTheAgentsMetricsAndStatusRestNamesTheOrigin() throws Exception {
        JsonNode vertices = cluster.rest("/jobs/" + jobId).path("vertices");
        Map<String, List<String>> missing = new TreeMap<>();
        await("the chokepoint metrics of every vertex at the JobManager").atMost(SETTLE_TIMEOUT).pollInterval(POLL)
                .until(() -> {
                    missing.clear();
                    for (JsonNode vertex : vertices) {
                        Set<String> ids = new TreeSet<>();
                        cluster.rest("/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/metrics")
                                .forEach(m -> ids.add(m.path("id").asText()));
                        List<String> absent = new ArrayList<>();
                        for (String metric : List.of(FlinkMetricNames.LEVEL_CODE, FlinkMetricNames.BACK_PRESSURE_RATIO,
                                FlinkMetricNames.BUSY_RATIO, FlinkMetricNames.CPU_RATIO)) {
                            if (!ids.contains("0." + FlinkMetricNames.GROUP + "." + metric)) {
                                absent.add(metric);
                            }
                        }
                        if (!absent.isEmpty()) {
                            missing.put(vertex.path("name").asText(), absent);
                        }
                    }
                    return missing.isEmpty();
                });
        Map<String, String> levels = new LinkedHashMap<>();
        levels.put(ClusterJobs.SOURCE_VERTEX, BackPressureLevel.HIGH.name());
        levels.put(ClusterJobs.PARSE_VERTEX, BackPressureLevel.HIGH.name());
        levels.put(ClusterJobs.ENRICH_VERTEX, BackPressureLevel.OK.name());
        levels.put(ClusterJobs.SINK_VERTEX, BackPressureLevel.OK.name());
        int restPort = Integer.parseInt(cluster.restUrl().substring(cluster.restUrl().lastIndexOf(':') + 1));
        RestStatusCheck.check(getClass().getSimpleName(), restPort, levels, ClusterJobs.ENRICH_VERTEX,
                dev.chokepoint.cli.jmx.TaskSnapshot.Placement.BY_AGENT, TASK_MANAGERS);
    }

    @Test
    void prometheusScrapesFlinksTaskMetricsPerSubtaskFromEachTaskManager() throws Exception {
        String metric = flinkTaskMetric();
        JsonNode series = awaitSeries(metric + JOB_SELECTOR, 4);
        Map<String, JsonNode> byVertex = new TreeMap<>();
        for (JsonNode s : series) {
            JsonNode labels = s.path("metric");
            byVertex.put(labels.path("task_name").asText(), labels);
            assertEquals("0", labels.path("subtask_index").asText(), "subtask_index of " + labels);
            assertTrue(labels.path("tm_id").asText().startsWith(label(StandaloneCluster.TASK_MANAGER_ID_PREFIX)),
                    "tm_id of " + labels);
            assertEquals(jobId, labels.path("job_id").asText(), "job_id of " + labels);
            assertEquals("flink", labels.path("job").asText(), "scrape job of " + labels);
            assertFalse(labels.path("task_attempt_id").asText().isEmpty(), "task_attempt_id of " + labels);
        }
        Set<String> expected = new TreeSet<>();
        for (String vertex : ClusterJobs.VERTICES) {
            expected.add(label(vertex));
        }
        assertEquals(expected, byVertex.keySet(), metric + " of every vertex, its name filtered as the reporter does");
    }

    /**
     * The agent's figures as Flink's own Prometheus reporter exports them from both TaskManagers
     * (the task metric group's {@code chokepoint} sub-group): the whole job's levels, the bottleneck
     * busy, the rules' origin, and the origin alert firing, naming Enrich.
     */
    @Test
    void theAgentsFiguresInFlinksReporterNameTheOriginAndFireItsAlert() throws Exception {
        String levelCode = "flink_taskmanager_job_task_chokepoint_levelCode";
        awaitSeries(levelCode + JOB_SELECTOR, 4);
        Map<String, Integer> expected = new TreeMap<>();
        expected.put(label(ClusterJobs.SOURCE_VERTEX), BackPressureLevel.HIGH.code());
        expected.put(label(ClusterJobs.PARSE_VERTEX), BackPressureLevel.HIGH.code());
        expected.put(label(ClusterJobs.ENRICH_VERTEX), BackPressureLevel.OK.code());
        expected.put(label(ClusterJobs.SINK_VERTEX), BackPressureLevel.OK.code());
        Map<String, Integer> levels = new TreeMap<>();
        Map<String, String> placement = new TreeMap<>();
        try {
            await("the agents' levels through Flink's Prometheus reporter: " + expected)
                    .atMost(SETTLE_TIMEOUT).pollInterval(POLL).until(() -> {
                        levels.clear();
                        for (JsonNode s : prometheus.query(levelCode + JOB_SELECTOR).path("result")) {
                            levels.put(s.path("metric").path("task_name").asText(), (int) value(s));
                            placement.put(s.path("metric").path("task_name").asText(), s.path("metric").path("tm_id").asText());
                        }
                        return levels.equals(expected);
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            fail(levelCode + " per vertex " + levels + ", expected " + expected, e);
        }
        assertNotEquals(placement.get(label(ClusterJobs.SOURCE_VERTEX)), placement.get(label(ClusterJobs.ENRICH_VERTEX)),
                "the levels come from both TaskManagers: " + placement);
        double busy = value(prometheus.query("flink_taskmanager_job_task_chokepoint_busyRatio{task_name=\""
                + label(ClusterJobs.ENRICH_VERTEX) + "\"}").path("result").get(0));
        assertTrue(busy >= 0.5, "Enrich, the bottleneck, busy " + busy + " by the agent's figure in Flink's reporter");

        JsonNode[] origin = new JsonNode[1];
        try {
            await("chokepoint:origin_vertex names Enrich").atMost(SETTLE_TIMEOUT).pollInterval(POLL).until(() -> {
                origin[0] = prometheus.query("chokepoint:origin_vertex").path("result");
                return origin[0].size() == 1
                        && label(ClusterJobs.ENRICH_VERTEX).equals(origin[0].get(0).path("metric").path("task_name").asText());
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            fail("chokepoint:origin_vertex: " + origin[0], e);
        }
        List<String> alerts = new ArrayList<>();
        try {
            await("ChokepointBackpressureOrigin firing for Enrich").atMost(SETTLE_TIMEOUT).pollInterval(POLL).until(() -> {
                alerts.clear();
                boolean firing = false;
                for (JsonNode alert : prometheus.api("alerts").path("alerts")) {
                    JsonNode labels = alert.path("labels");
                    alerts.add(labels.path("alertname").asText() + " " + labels.path("task_name").asText() + " "
                            + alert.path("state").asText());
                    firing |= "ChokepointBackpressureOrigin".equals(labels.path("alertname").asText())
                            && label(ClusterJobs.ENRICH_VERTEX).equals(labels.path("task_name").asText())
                            && "firing".equals(alert.path("state").asText());
                }
                return firing;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            fail("alerts: " + alerts, e);
        }
        assertFalse(alerts.stream().anyMatch(a -> a.startsWith("ChokepointBackpressureOrigin ")
                && !a.startsWith("ChokepointBackpressureOrigin " + label(ClusterJobs.ENRICH_VERTEX) + " ")),
                "the origin alert names Enrich only: " + alerts);
        System.out.printf("[%s] levels %s from TaskManagers %s; origin alert: %s%n", getClass().getSimpleName(), levels,
                placement, alerts);
    }

    /**
     * {@code contrib}'s rules with the origin alert's {@code for:} (1m, for production) at 5s, as a
     * user tunes it, so that the alert fires within the test.
     */
    private static Path rulesWithShortOriginFor(String name) throws IOException {
        Path original = Contrib.file(Contrib.RULES);
        String rules = new String(Files.readAllBytes(original), StandardCharsets.UTF_8);
        String alert = "- alert: ChokepointBackpressureOrigin";
        int at = rules.indexOf(alert);
        int forAt = rules.indexOf("for: 1m", at);
        assertTrue(at >= 0 && forAt > at && forAt < rules.indexOf("- alert:", at + alert.length()),
                "the origin alert's 'for: 1m' in " + original);
        Path copy = Paths.get("target", name + "-chokepoint-rules.yml").toAbsolutePath();
        Files.createDirectories(copy.getParent());
        Files.write(copy, (rules.substring(0, forAt) + "for: 5s" + rules.substring(forAt + "for: 1m".length()))
                .getBytes(StandardCharsets.UTF_8));
        return copy;
    }

    @Test
    void jmxExporterExportsTheAgentsMBeansAsLabelledMetrics() throws Exception {
        // Straight from each TaskManager's exporter: each vertex exported by exactly one of them.
        Map<String, Integer> exportedBy = new TreeMap<>();
        for (int i = 0; i < jmxExporterTargets.size(); i++) {
            for (Sample sample : Sample.parse(Loopback.get("http://" + jmxExporterTargets.get(i) + "/metrics"))) {
                if (sample.name.equals("chokepoint_task_" + TaskAttributes.LEVEL_CODE)) {
                    assertEquals("1", sample.labels.get("subtask"), "1-based subtask of " + sample);
                    assertEquals("1", sample.labels.get("parallelism"), "parallelism of " + sample);
                    assertEquals("0", sample.labels.get("attempt"), "attempt of " + sample);
                    assertEquals(ClusterJobs.JOB_NAME, sample.labels.get("job_name"), "job of " + sample);
                    Integer before = exportedBy.put(sample.labels.get("vertex"), i);
                    assertEquals(null, before, "one subtask per vertex: " + sample);
                }
            }
        }
        assertEquals(new TreeSet<>(ClusterJobs.VERTICES), exportedBy.keySet(), "the vertices, named as in the job");
        assertEquals(exportedBy.get(ClusterJobs.SOURCE_VERTEX), exportedBy.get(ClusterJobs.PARSE_VERTEX), "up: " + exportedBy);
        assertEquals(exportedBy.get(ClusterJobs.ENRICH_VERTEX), exportedBy.get(ClusterJobs.SINK_VERTEX), "down: " + exportedBy);
        assertNotEquals(exportedBy.get(ClusterJobs.SOURCE_VERTEX), exportedBy.get(ClusterJobs.ENRICH_VERTEX), "split: " + exportedBy);

        // Through Prometheus: the whole job's levels, from two JVMs, once the agents' windows are full.
        Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put(ClusterJobs.SOURCE_VERTEX, BackPressureLevel.HIGH.code());
        expected.put(ClusterJobs.PARSE_VERTEX, BackPressureLevel.HIGH.code());
        expected.put(ClusterJobs.ENRICH_VERTEX, BackPressureLevel.OK.code());
        expected.put(ClusterJobs.SINK_VERTEX, BackPressureLevel.OK.code());
        Map<String, Integer> levels = new HashMap<>();
        try {
            await("the agents' levels through jmx_exporter and Prometheus: " + expected)
                    .atMost(SETTLE_TIMEOUT).pollInterval(POLL).until(() -> {
                        levels.clear();
                        for (JsonNode s : prometheus.query("chokepoint_task_" + TaskAttributes.LEVEL_CODE).path("result")) {
                            levels.put(s.path("metric").path("vertex").asText(), (int) value(s));
                        }
                        return levels.equals(expected);
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            fail("levels through Prometheus " + levels + ", expected " + expected, e);
        }
        double busy = value(prometheus.query("chokepoint_task_" + TaskAttributes.BUSY_RATIO
                + "{vertex=\"" + ClusterJobs.ENRICH_VERTEX + "\"}").path("result").get(0));
        assertTrue(busy >= 0.5, "Enrich, the bottleneck, busy " + busy);
        if (flinkMeasuresBusyTime()) {
            String flinkBusy = "flink_taskmanager_job_task_busyTimeMsPerSecond{task_name=\"" + label(ClusterJobs.ENRICH_VERTEX) + "\"}";
            double ms = value(prometheus.query(flinkBusy).path("result").get(0));
            assertTrue(ms >= 500, "Flink agrees that Enrich is the bottleneck: " + flinkBusy + " = " + ms);
        }
    }

    @Test
    void prometheusLoadsTheRulesAndEvaluatesThemWithoutError() throws Exception {
        JsonNode groups = prometheus.api("rules").path("groups");
        Map<String, String> health = new TreeMap<>();
        await("every Chokepoint rule evaluated at least once").atMost(SETTLE_TIMEOUT).pollInterval(POLL).until(() -> {
            health.clear();
            for (JsonNode group : prometheus.api("rules").path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    health.put(rule.path("name").asText(), rule.path("health").asText() + " " + rule.path("lastError").asText(""));
                }
            }
            return health.values().stream().noneMatch(h -> h.startsWith("unknown"));
        });
        Set<String> names = new TreeSet<>();
        groups.forEach(group -> names.add(group.path("name").asText()));
        assertEquals(new TreeSet<>(Arrays.asList("chokepoint-alerts", "chokepoint-vertices")), names, "rule groups");
        health.forEach((rule, state) -> assertEquals("ok ", state, "health of rule " + rule));
        assertTrue(health.keySet().containsAll(Arrays.asList("ChokepointBackpressureOrigin", "ChokepointVertexHigh",
                "ChokepointSubtaskSkew", "chokepoint:origin_vertex")), "rules: " + health.keySet());
    }

    @Test
    void everyDashboardQueryIsAcceptedAndFlinksOwnPanelsHaveData() throws Exception {
        JsonNode dashboard = JSON.readTree(Contrib.file(Contrib.DASHBOARD).toFile());
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(target.path("expr").asText());
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            queries.add(variable.path("definition").asText());
        }
        assertTrue(queries.size() >= 10, "the dashboard's queries: " + queries);
        awaitSeries(flinkTaskMetric() + JOB_SELECTOR, 4);
        List<String> empty = new ArrayList<>();
        for (String query : queries) {
            String promql = DashboardQuery.toPromQL(query);
            JsonNode result = prometheus.query(promql).path("result"); // throws with Prometheus' error when rejected
            String metric = DashboardQuery.onlyFlinkMetric(promql);
            if (metric != null && !flinkMetricsNotInThisVersion().contains(metric) && result.size() == 0) {
                empty.add(promql);
            }
        }
        assertTrue(empty.isEmpty(), "panels over Flink's own metrics without data (a wrong metric name?): " + empty);
    }

    // ---------------------------------------------------------------------------------------------

    /** task_name → tm_id of every vertex, as the reporter labels {@link #flinkTaskMetric()}. */
    private Map<String, String> awaitFlinkPlacement() throws IOException {
        Map<String, String> placement = new TreeMap<>();
        for (JsonNode s : awaitSeries(flinkTaskMetric() + JOB_SELECTOR, 4)) {
            placement.put(s.path("metric").path("task_name").asText(), s.path("metric").path("tm_id").asText());
        }
        return placement;
    }

    /** Waits until an instant query returns {@code count} series (Prometheus scrapes every second). */
    private JsonNode awaitSeries(String promql, int count) {
        JsonNode[] last = new JsonNode[1];
        try {
            await(promql + ": " + count + " series").atMost(SETTLE_TIMEOUT).pollInterval(POLL).until(() -> {
                last[0] = prometheus.query(promql).path("result");
                return last[0].size() == count;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            fail(promql + ": " + count + " series expected, got " + last[0] + "\nprometheus targets: "
                    + targets(), e);
        }
        return last[0];
    }

    private String targets() {
        try {
            return prometheus.api("targets").toString();
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** A vertex name as Flink's Prometheus reporter writes it in a label by default. */
    static String label(String vertex) {
        return vertex.replaceAll(UNALLOWED_LABEL_CHARACTERS, "_");
    }

    private static double value(JsonNode series) {
        return Double.parseDouble(series.path("value").get(1).asText());
    }
}

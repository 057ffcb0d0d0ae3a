package dev.chokepoint.e2e;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Flink's own backpressure verdict from its REST endpoint
 * {@code /jobs/:jobid/vertices/:vertexid/backpressure}: in Flink ≤1.12 the JobManager samples the
 * stack of each subtask's task thread ({@code web.backpressure.num-samples} times,
 * {@code delay-between-samples} apart, the top 3 frames) and counts the samples in
 * {@code LocalBufferPool.requestBufferBuilderBlocking}. The answer, per vertex:
 * <pre>
 * {"status":"ok","backpressure-level":"high","end-timestamp":…,
 *  "subtasks":[{"subtask":0,"backpressure-level":"high","ratio":1.0}, …]}
 * </pre>
 * or {@code {"status":"deprecated"}} while no sample has finished yet: a request starts a new
 * sample when the last one is older than {@code web.backpressure.refresh-interval}, and is
 * answered with the last one (1.9.3: {@code JobVertexBackPressureHandler},
 * {@code JobVertexBackPressureInfo}, {@code BackPressureStatsTrackerImpl}). Also the vertex metrics
 * endpoint of the same job, where Flink serves the agent's {@code chokepoint} metrics.
 */
public final class FlinkRestBackPressure {

    /** Keys of Flink's REST verdict in {@link FlinkMetricsOracle.TaskMetrics#values}. */
    public static final String LEVEL = "REST backpressure-level";
    public static final String RATIO = "REST ratio";
    public static final String END_TIMESTAMP = "REST end-timestamp";

    private static final int TIMEOUT_MILLIS = 5_000;

    private final JsonFactory json = new JsonFactory();
    private final String base;
    /** Vertex id → name, of the one running job; found on the first read. */
    private Map<String, String> vertices;
    private String jobId;

    public FlinkRestBackPressure(String host, int port) {
        this.base = "http://" + host + ":" + port;
    }

    /**
     * Adds Flink's REST verdict to each subtask of {@code tasks} ({@link FlinkMetricsOracle#key});
     * a vertex Flink has not sampled yet gets nothing.
     */
    public void addTo(Map<String, FlinkMetricsOracle.TaskMetrics> tasks) throws IOException {
        if (vertices == null) {
            findJob();
        }
        for (Map.Entry<String, String> vertex : vertices.entrySet()) {
            VertexSample sample = vertexSample(vertex.getKey());
            if (sample == null) {
                continue;
            }
            for (Map.Entry<Integer, Object[]> subtask : sample.subtasks.entrySet()) {
                FlinkMetricsOracle.TaskMetrics task = tasks.get(FlinkMetricsOracle.key(vertex.getValue(), subtask.getKey()));
                if (task != null) {
                    task.values.put(LEVEL, subtask.getValue()[0]);
                    task.values.put(RATIO, subtask.getValue()[1]);
                    task.values.put(END_TIMESTAMP, sample.endTimestamp);
                }
            }
        }
    }

    /**
     * The metric ids Flink's REST API lists for each vertex of the job, by vertex name:
     * {@code /jobs/:jobid/vertices/:vertexid/metrics} answers {@code [{"id":"0.chokepoint.busyRatio"},…]},
     * the ids of whatever its metric fetcher last fetched from the TaskManagers.
     */
    public Map<String, Set<String>> vertexMetricIds() throws IOException {
        if (vertices == null) {
            findJob();
        }
        Map<String, Set<String>> ids = new TreeMap<>();
        for (Map.Entry<String, String> vertex : vertices.entrySet()) {
            ids.put(vertex.getValue(), vertexMetrics(vertex.getKey(), "").keySet());
        }
        return ids;
    }

    /** The values of some of a vertex's metrics ({@code ?get=id,…}), as Flink's REST API gives them: text. */
    public Map<String, String> vertexMetricValues(String vertexName, Collection<String> ids) throws IOException {
        if (vertices == null) {
            findJob();
        }
        for (Map.Entry<String, String> vertex : vertices.entrySet()) {
            if (vertex.getValue().equals(vertexName)) {
                return vertexMetrics(vertex.getKey(), "?get=" + String.join(",", ids));
            }
        }
        throw new IOException("no vertex " + vertexName + " in " + vertices.values());
    }

    /** {@code [{"id":…,"value":…},…]} as id → value (null when not asked for). */
    private Map<String, String> vertexMetrics(String vertexId, String query) throws IOException {
        Map<String, String> metrics = new TreeMap<>();
        try (JsonParser p = get("/jobs/" + jobId + "/vertices/" + vertexId + "/metrics" + query)) {
            String id = null;
            String value = null;
            while (p.nextToken() != null) {
                if (p.currentToken() == JsonToken.START_OBJECT) {
                    id = null;
                    value = null;
                } else if (p.currentToken() == JsonToken.FIELD_NAME && "id".equals(p.currentName())) {
                    id = p.nextTextValue();
                } else if (p.currentToken() == JsonToken.FIELD_NAME && "value".equals(p.currentName())) {
                    p.nextToken();
                    value = p.getText();
                } else if (p.currentToken() == JsonToken.END_OBJECT && id != null) {
                    metrics.put(id, value);
                }
            }
        }
        return metrics;
    }

    /** The one running job and its vertices: {@code /jobs} then {@code /jobs/:jobid}. */
    private void findJob() throws IOException {
        String running = null;
        try (JsonParser p = get("/jobs")) {
            // {"jobs":[{"id":"…","status":"RUNNING"}]}
            String id = null;
            String status = null;
            while (p.nextToken() != null) {
                if (p.currentToken() == JsonToken.START_OBJECT) {
                    id = null;
                    status = null;
                } else if (p.currentToken() == JsonToken.FIELD_NAME && "id".equals(p.currentName())) {
                    id = p.nextTextValue();
                } else if (p.currentToken() == JsonToken.FIELD_NAME && "status".equals(p.currentName())) {
                    status = p.nextTextValue();
                } else if (p.currentToken() == JsonToken.END_OBJECT && "RUNNING".equals(status) && id != null) {
                    running = id;
                }
            }
        }
        if (running == null) {
            throw new IOException(base + "/jobs lists no running job yet");
        }
        Map<String, String> found = new LinkedHashMap<>();
        try (JsonParser p = get("/jobs/" + running)) {
            // {"jid":…,"name":…,…,"vertices":[{"id":"…","name":"MapOp","parallelism":2,…},…],…}
            while (p.nextToken() != null) {
                if (p.currentToken() == JsonToken.FIELD_NAME && "vertices".equals(p.currentName())) {
                    p.nextToken(); // START_ARRAY
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        String id = null;
                        String name = null;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String field = p.currentName();
                            JsonToken value = p.nextToken();
                            if ("id".equals(field)) {
                                id = p.getText();
                            } else if ("name".equals(field)) {
                                name = p.getText();
                            } else if (value.isStructStart()) {
                                p.skipChildren();
                            }
                        }
                        found.put(id, name);
                    }
                }
            }
        }
        if (found.isEmpty()) {
            throw new IOException(base + "/jobs/" + running + " lists no vertices");
        }
        jobId = running;
        vertices = found;
    }

    /** One vertex's last sample; {@code null} while its status is {@code deprecated} (none yet). */
    private VertexSample vertexSample(String vertexId) throws IOException {
        VertexSample sample = new VertexSample();
        String status = null;
        try (JsonParser p = get("/jobs/" + jobId + "/vertices/" + vertexId + "/backpressure")) {
            p.nextToken(); // START_OBJECT
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("status".equals(field)) {
                    status = p.getText();
                } else if ("end-timestamp".equals(field) && value.isNumeric()) {
                    sample.endTimestamp = p.getLongValue();
                } else if ("subtasks".equals(field) && value == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        Integer subtask = null;
                        String level = null;
                        Double ratio = null;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String subtaskField = p.currentName();
                            p.nextToken();
                            if ("subtask".equals(subtaskField)) {
                                subtask = p.getIntValue();
                            } else if ("backpressure-level".equals(subtaskField)) {
                                level = p.getText().toUpperCase(Locale.ROOT);
                            } else if ("ratio".equals(subtaskField)) {
                                ratio = p.getDoubleValue();
                            } else {
                                p.skipChildren();
                            }
                        }
                        if (subtask != null && level != null && ratio != null) {
                            sample.subtasks.put(subtask, new Object[] {level, ratio});
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        return "ok".equals(status) ? sample : null;
    }

    private JsonParser get(String path) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL(base + path).openConnection();
        connection.setConnectTimeout(TIMEOUT_MILLIS);
        connection.setReadTimeout(TIMEOUT_MILLIS);
        int code = connection.getResponseCode();
        if (code != HttpURLConnection.HTTP_OK) {
            connection.disconnect();
            throw new IOException("GET " + base + path + ": HTTP " + code);
        }
        InputStream body = connection.getInputStream();
        return json.createParser(body);
    }

    private static final class VertexSample {
        long endTimestamp;
        /** Subtask index → {level (OK/LOW/HIGH), ratio}. */
        final Map<Integer, Object[]> subtasks = new TreeMap<>();
    }
}

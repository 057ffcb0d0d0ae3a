package dev.chokepoint.cli.rest;

import java.util.ArrayList;
import java.util.List;

/**
 * The requests that read given metrics of every subtask of a vertex:
 * {@code /jobs/:jobid/vertices/:vertexid/metrics?get=0.a,0.b,1.a,...}, the vertex-level endpoint
 * that knows each subtask's metrics under {@code <index>.<name>} (Flink's {@code MetricStore} adds
 * task metrics to the vertex's store so, 1.9 to 2.x). As few requests as fit: Flink's REST server
 * (Netty's {@code HttpServerCodec} with its defaults, 1.9 to 2.x) refuses a request line over 4096
 * characters, so the list is split into requests that stay under {@link #MAX_REQUEST_LINE}.
 */
final class MetricQuery {

    /** Below Netty's 4096 for "GET " + path + " HTTP/1.1". */
    static final int MAX_REQUEST_LINE = 4000;
    private static final int METHOD_AND_VERSION = "GET ".length() + " HTTP/1.1".length();

    private MetricQuery() {
    }

    /** The paths (with their query) that together ask for {@code names} of the given subtasks. */
    static List<String> paths(String jobId, String vertexId, List<Integer> subtasks, List<String> names) {
        String prefix = "/jobs/" + jobId + "/vertices/" + vertexId + "/metrics?get=";
        int budget = MAX_REQUEST_LINE - METHOD_AND_VERSION - prefix.length();
        List<String> paths = new ArrayList<>();
        StringBuilder query = new StringBuilder();
        for (int subtask : subtasks) {
            for (String name : names) {
                String id = subtask + "." + name;
                if (query.length() > 0 && query.length() + 1 + id.length() > budget) {
                    paths.add(prefix + query);
                    query.setLength(0);
                }
                query.append(query.length() == 0 ? "" : ",").append(id);
            }
        }
        if (query.length() > 0) {
            paths.add(prefix + query);
        }
        return paths;
    }
}

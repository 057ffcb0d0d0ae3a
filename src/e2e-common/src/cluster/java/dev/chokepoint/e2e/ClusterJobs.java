package dev.chokepoint.e2e;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A client JVM's main: submits the job the cluster tests run to a {@link StandaloneCluster}'s REST
 * endpoint ({@code rest=<host>:<port>}), prints {@link #SUBMITTED} and the job id, and exits
 * while the job runs on.
 *
 * <pre>
 *   slot sharing group "up":   Source: Events --forward--> Parse
 *   slot sharing group "down":                              --keyBy--> Enrich (1 ms a record) --forward--> Sink: Discard
 * </pre>
 *
 * Parallelism 1, chaining off (each operator is its own task, as Flink's metrics and the agent name
 * them). The two slot sharing groups need a slot each, and the cluster's TaskManagers have one slot
 * each: the placement is forced, "up" runs in one TaskManager and "down" in the other, and the keyBy
 * between Parse and Enrich crosses the network. Enrich is the bottleneck: Source and Parse are
 * backpressured, Sink idles.
 *
 * <p>The job classes are on the cluster's classpath (as a jar in a distribution's {@code lib/}
 * would be), so the remote environment ships no jar.
 */
public final class ClusterJobs {

    public static final String SUBMITTED = "chokepoint-e2e: submitted job ";
    public static final String JOB_NAME = "chokepoint-e2e-cluster";

    public static final String SOURCE_VERTEX = "Source: Events";
    public static final String PARSE_VERTEX = "Parse";
    public static final String ENRICH_VERTEX = "Enrich";
    public static final String SINK_VERTEX = "Sink: Discard";
    /** In job order. */
    public static final List<String> VERTICES = Collections.unmodifiableList(
            Arrays.asList(SOURCE_VERTEX, PARSE_VERTEX, ENRICH_VERTEX, SINK_VERTEX));

    private ClusterJobs() {
    }

    public static void main(String[] args) throws Exception {
        String rest = null;
        for (String arg : args) {
            if (arg.startsWith("rest=")) {
                rest = arg.substring("rest=".length());
            } else {
                throw new IllegalArgumentException("expected rest=<host>:<port>, got '" + arg + "'");
            }
        }
        if (rest == null) {
            throw new IllegalArgumentException("expected rest=<host>:<port>");
        }
        int colon = rest.lastIndexOf(':');
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment(
                rest.substring(0, colon), Integer.parseInt(rest.substring(colon + 1)));
        env.setParallelism(1);
        env.disableOperatorChaining();
        env.addSource(new BackpressureJob.FastSource()).name("Events").slotSharingGroup("up")
                .map(new BackpressureJob.MapOp()).name(PARSE_VERTEX).slotSharingGroup("up")
                .keyBy(new BackpressureJob.ByValue())
                .map(new Enrich()).name(ENRICH_VERTEX).slotSharingGroup("down")
                .addSink(new BackpressureJob.FastSink()).name("Discard").slotSharingGroup("down");
        JobClient job = env.executeAsync(JOB_NAME);
        System.out.println(SUBMITTED + job.getJobID());
        // The job runs in the cluster; the client's own threads (its REST client) would keep this JVM alive.
        System.exit(0);
    }

    /** About 1 ms a record: the bottleneck, never blocked on its output. */
    public static final class Enrich implements MapFunction<Long, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long map(Long value) throws InterruptedException {
            Thread.sleep(1);
            return value + 1;
        }
    }
}

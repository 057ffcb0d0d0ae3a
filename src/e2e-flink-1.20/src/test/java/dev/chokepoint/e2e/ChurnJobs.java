package dev.chokepoint.e2e;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Short Flink jobs one after another in <b>one</b> MiniCluster (one TaskManager, two slots), for the
 * churn test. Each job: {@code fromSequence(0, 20000)} → map → keyBy → map → discarding sink,
 * parallelism 2, chaining off (6 subtasks, each its own task thread), so every job creates and
 * ends task threads, {@code Task}s, buffer pools and a user-code class loader. Driven by stdin:
 * each {@value #NEXT} line runs the next job and prints {@value #DONE} and its number when it has
 * finished; {@value #EXIT} (or the end of stdin) closes the cluster and exits.
 */
public final class ChurnJobs {

    public static final String READY = "chokepoint-e2e: churn cluster ready";
    public static final String NEXT = "next";
    public static final String EXIT = "exit";
    public static final String DONE = "chokepoint-e2e: churn job done ";

    private ChurnJobs() {
    }

    public static void main(String[] args) throws Exception {
        Configuration conf = BackpressureJob.localClusterConfiguration();
        // Flink keeps finished jobs' graphs for its web UI (an hour, unbounded): keep one, so that
        // the heap compares what the agent keeps, not Flink's job archive.
        conf.setString("jobstore.max-capacity", "1");
        conf.setString("jobstore.expiration-time", "1");
        MiniClusterConfiguration cluster = new MiniClusterConfiguration.Builder()
                .setConfiguration(conf).setNumTaskManagers(1).setNumSlotsPerTaskManager(2).build();
        try (MiniCluster miniCluster = new MiniCluster(cluster)) {
            miniCluster.start();
            System.out.println(READY);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            int job = 0;
            while ((line = in.readLine()) != null && !EXIT.equals(line.trim())) {
                if (NEXT.equals(line.trim())) {
                    job++;
                    miniCluster.executeJobBlocking(jobGraph(job));
                    System.out.println(DONE + job);
                }
            }
        }
    }

    private static JobGraph jobGraph(int job) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.disableOperatorChaining();
        env.fromSequence(0, 20_000).name("Numbers")
                .map(new Times31()).name("Times31")
                .keyBy(value -> value % 64)
                .map(new Times31()).name("Again")
                .addSink(new Discard()).name("Discard");
        JobGraph graph = env.getStreamGraph().getJobGraph();
        return graph;
    }

    public static final class Discard extends FlinkLegacyApi.Sink<Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public void invoke(Long value) {
        }
    }

    public static final class Times31 implements MapFunction<Long, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long map(Long value) {
            return value * 31;
        }
    }
}

package dev.chokepoint.bench.job;

import dev.chokepoint.cli.jmx.TaskSnapshot;
import dev.chokepoint.cli.report.Snapshot;
import dev.chokepoint.cli.rest.FlinkRestClient;
import dev.chokepoint.cli.rest.RestSnapshotReader;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What one {@code chokepoint status --rest} reading of a 1,000-subtask job costs (issue 13): the
 * same real Flink 1.20 job as the memory benchmark ({@link SubtasksJob}'s idle scenario, 4 vertices
 * × {@code --parallelism}), in this JVM with the agent loaded ({@code -javaagent}, so every subtask
 * also has the agent's 16 metrics), on a MiniCluster whose REST endpoint is the JobManager's. Once
 * the JobManager has every subtask's metrics, {@code --readings} readings through the CLI's own
 * reader ({@link RestSnapshotReader}, what {@code status --rest} runs), each timed and its HTTP
 * requests counted. Prints a Markdown row per reading and the median.
 *
 * <p>Arguments: {@code --parallelism=250} {@code --readings=5}.
 */
public final class RestReadingBenchmark {

    private RestReadingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        int parallelism = options.positiveInt("parallelism", 250);
        int readings = options.positiveInt("readings", 5);
        AgentProbe agent = new AgentProbe();
        agent.check(true);

        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Configuration conf = SubtasksJob.configuration(parallelism, "idle");
        conf.setString("rest.bind-port", Integer.toString(port));
        conf.setString("rest.port", Integer.toString(port));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        env.disableOperatorChaining();
        env.fromSource(new DataGeneratorSource<>(index -> index, Long.MAX_VALUE,
                        RateLimiterStrategy.perSecond(parallelism), Types.LONG),
                WatermarkStrategy.noWatermarks(), "Source")
                .map(new SubtasksJob.Pass<Long>(true)).name("First")
                .map(new SubtasksJob.Pass<Long>(false)).name("Second")
                .addSink(new SubtasksJob.Sink<Long>(0)).name("Sink");
        JobClient job = env.executeAsync("chokepoint-bench-rest");
        int subtasks = SubtasksJob.VERTICES * parallelism;
        await("all " + subtasks + " subtasks running and reported by the agent", Duration.ofMinutes(5),
                () -> SubtasksJob.OPENED.get() >= 3 * parallelism && SubtasksJob.RECEIVING.get() >= parallelism
                        && agent.subtasks() >= subtasks);

        String url = "http://127.0.0.1:" + port;
        FlinkRestClient client = new FlinkRestClient(url);
        RestSnapshotReader reader = RestSnapshotReader.open(client, null);
        long start = System.nanoTime();
        Snapshot[] last = new Snapshot[1];
        // The JobManager fetches the TaskManager's metrics every 10 s: until then some subtasks have none.
        await("the JobManager's metrics of every subtask, the agent's included", Duration.ofMinutes(3), () -> {
            last[0] = reader.read();
            return reader.withoutMetrics().isEmpty() && last[0].tasks.size() == subtasks && last[0].tasks.stream()
                    .allMatch(t -> TaskSnapshot.Placement.BY_AGENT.equals(t.judgedBy));
        });
        System.out.printf(Locale.ROOT, "[rest] every subtask judged by the agent's metrics after %.0f s%n",
                (System.nanoTime() - start) / 1e9);

        long[] millis = new long[readings];
        int[] requests = new int[readings];
        for (int i = 0; i < readings; i++) {
            int before = client.requests();
            long t0 = System.nanoTime();
            Snapshot snapshot = reader.read();
            millis[i] = (System.nanoTime() - t0) / 1_000_000;
            requests[i] = client.requests() - before;
            if (snapshot.tasks.size() != subtasks) {
                throw new IllegalStateException("reading " + i + " has " + snapshot.tasks.size() + " subtasks");
            }
            System.out.printf(Locale.ROOT, "[rest] reading %d: %d subtasks, %d ms, %d requests%n", i + 1,
                    snapshot.tasks.size(), millis[i], requests[i]);
            Thread.sleep(1000);
        }
        long[] sorted = millis.clone();
        Arrays.sort(sorted);
        System.out.println();
        System.out.printf(Locale.ROOT, "One status --rest reading of a %d-subtask job (4 vertices x %d, Flink 1.20 MiniCluster"
                + " REST endpoint, agent metrics on every subtask), java %s, %d cores:%n%n", subtasks, parallelism,
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        System.out.println("| subtasks | readings | median ms | max ms | requests per reading |");
        System.out.println("|---:|---:|---:|---:|---:|");
        System.out.printf(Locale.ROOT, "| %,d | %d | %d | %d | %d |%n", subtasks, readings, sorted[readings / 2],
                sorted[readings - 1], requests[readings - 1]);
        job.cancel().get(120, TimeUnit.SECONDS);
        System.exit(0);
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(String what, Duration timeout, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not " + what + " within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(500);
        }
    }
}

package dev.chokepoint.e2e;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM's main for the shared-TaskManager scenario (issue 14): one MiniCluster with one
 * TaskManager, and in it three jobs of one shape, with the same vertex names, a fan-out:
 *
 * <pre>
 *   Source: Numbers (2) --> Parse (2) --+--> Sink: alpha (2)        (chaining off)
 *                                       +--> Sink: zulu (2)
 * </pre>
 *
 * Job {@code A} ({@value #JOB_NAME}): zulu sleeps 2 ms per record, alpha is fast, so Parse is
 * backpressured (HIGH) and the origin is zulu, not alpha, the first by name. Job {@code B} (also
 * {@value #JOB_NAME}): the source emits a record every 20 ms, both sinks are fast, so Parse is
 * mostly idle (OK) and there is no origin. Job {@code C} ({@value #OTHER_JOB_NAME}): alpha is the
 * slow one, so its origin is alpha: two bottlenecked jobs, two origins. B's source starts
 * a helper thread on its legacy source thread named as the legacy Kafka consumer names its
 * fetcher, {@code Kafka Fetcher for <task name with subtasks>}: a task-shaped name in Flink's task
 * thread group that is no subtask. Jobs go through the MiniCluster's REST endpoint (a remote
 * environment), as to a session cluster. Standard input: {@code cancel A}, {@code exit}.
 */
public final class SharedJobs {

    public static final String JOB_NAME = "Orders";
    public static final String OTHER_JOB_NAME = "Payments";
    public static final String SOURCE_VERTEX = "Source: Numbers";
    public static final String PARSE_VERTEX = "Parse";
    public static final String ALPHA_VERTEX = "Sink: alpha";
    public static final String ZULU_VERTEX = "Sink: zulu";
    public static final int JOBS = 3;
    public static final int PARALLELISM = 2;
    public static final String FETCHER_PREFIX = "Kafka Fetcher for ";
    /** Printed per job once submitted: {@code <prefix><A|B|C> <job id>}. */
    public static final String SUBMITTED = "chokepoint-e2e: submitted job ";
    public static final String READY = "chokepoint-e2e: shared TaskManager ready";
    public static final String CANCELLED = "chokepoint-e2e: cancelled job A";

    private SharedJobs() {
    }

    public static void main(String[] args) throws Exception {
        Configuration conf = BackpressureJob.localClusterConfiguration();
        conf.setString("metrics.reporter.jmx.factory.class", BackpressureJob.JMX_REPORTER_FACTORY);
        conf.setString("taskmanager.numberOfTaskSlots", Integer.toString(JOBS * PARALLELISM));
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(JOBS * PARALLELISM).build());
        cluster.start();
        URI rest = cluster.getRestAddress().get(60, TimeUnit.SECONDS);
        System.out.println("chokepoint-e2e: Flink " + EnvironmentInformation.getVersion() + ", java "
                + System.getProperty("java.version") + ", REST at " + rest);
        JobClient a = submit(rest, JOB_NAME, 0, 0, 2);
        System.out.println(SUBMITTED + "A " + a.getJobID());
        JobClient b = submit(rest, JOB_NAME, 20, 0, 0);
        System.out.println(SUBMITTED + "B " + b.getJobID());
        JobClient c = submit(rest, OTHER_JOB_NAME, 0, 2, 0);
        System.out.println(SUBMITTED + "C " + c.getJobID());
        System.out.println(READY);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.trim().equals("exit")) {
            if (line.trim().equals("cancel A")) {
                cancel(a);
                System.out.println(CANCELLED);
            }
        }
        cancel(b);
        cancel(c);
        cluster.close();
    }

    /** Flink prefixes a source's and a sink's name with {@code Source: } and {@code Sink: } in the vertex name. */
    private static JobClient submit(URI rest, String name, long sourcePauseMillis, long alphaMillis, long zuluMillis)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment(rest.getHost(), rest.getPort());
        env.setParallelism(PARALLELISM);
        env.disableOperatorChaining();
        org.apache.flink.streaming.api.datastream.DataStream<Long> parsed = env.addSource(new Numbers(sourcePauseMillis))
                .name("Numbers").map(new Parse()).name(PARSE_VERTEX);
        parsed.addSink(new Out(alphaMillis)).name("alpha");
        parsed.addSink(new Out(zuluMillis)).name("zulu");
        return env.executeAsync(name);
    }

    private static void cancel(JobClient job) throws Exception {
        job.cancel().get(60, TimeUnit.SECONDS);
        try {
            job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        } catch (Exception expected) {
            // a cancelled job's result is its cancellation
        }
    }

    /** Emits numbers, one every {@code pauseMillis} (0: as fast as it can); with a pause, also runs a fetcher-named helper. */
    static final class Numbers extends FlinkLegacyApi.ParallelSource<Long> {
        private static final long serialVersionUID = 1L;
        private final long pauseMillis;
        private volatile boolean running = true;

        Numbers(long pauseMillis) {
            this.pauseMillis = pauseMillis;
        }

        @Override
        public void run(SourceContext<Long> ctx) throws Exception {
            Thread fetcher = null;
            if (pauseMillis > 0) {
                // As FlinkKafkaConsumer's KafkaConsumerThread: started on the source thread, so it
                // inherits Flink's task thread group, and named after the task.
                fetcher = new Thread(() -> {
                    while (running) {
                        try {
                            Thread.sleep(1);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, FETCHER_PREFIX + taskNameWithSubtasks());
                fetcher.setDaemon(true);
                fetcher.start();
            }
            long n = subtaskIndex();
            try {
                while (running) {
                    synchronized (ctx.getCheckpointLock()) {
                        ctx.collect(n);
                    }
                    n += PARALLELISM;
                    if (pauseMillis > 0) {
                        Thread.sleep(pauseMillis);
                    }
                }
            } finally {
                if (fetcher != null) {
                    fetcher.interrupt();
                }
            }
        }

        @Override
        public void cancel() {
            running = false;
        }
    }

    static final class Parse implements MapFunction<Long, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long map(Long value) {
            return value * 31 + 7;
        }
    }

    /** Sleeps {@code millis} per record (0: none). */
    static final class Out extends FlinkLegacyApi.Sink<Long> {
        private static final long serialVersionUID = 1L;
        private final long millis;

        Out(long millis) {
            this.millis = millis;
        }

        @Override
        public void invoke(Long value, Context context) throws Exception {
            if (millis > 0) {
                Thread.sleep(millis);
            }
        }
    }
}

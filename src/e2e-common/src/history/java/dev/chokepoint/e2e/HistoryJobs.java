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
 * The child JVM's main for the history scenario (issue 15): one MiniCluster, three jobs of one
 * shape, {@code Source: Numbers -> Work -> Sink: Out} (parallelism 1, chaining off), whose
 * backpressure over time is known by construction:
 * <ul>
 *   <li>{@value #PERIODIC}: the source emits about 15,000 records a second ({@value #BATCH} per
 *       millisecond's sleep), which a fast sink takes easily and a slow one (2 ms per record, 500 a
 *       second) does not; the sink is slow during the first {@value #SLOW_SECONDS} s of every
 *       {@value #PERIOD_SECONDS} s (counted from its first record): Source and Work are backpressured
 *       in episodes of about 8 s that come and go. (A source as fast as it can would be
 *       backpressured always, by whichever vertex is the slowest in the fast phase.)</li>
 *       It checkpoints every {@value #CHECKPOINT_MILLIS} ms.</li>
 *   <li>{@value #STEADY}: the same source, the sink slow always: one episode that never ends;</li>
 *   <li>{@value #IDLE}: the source emits a record every 20 ms, everything is fast: no episode.</li>
 * </ul>
 * Standard input: {@code exit}.
 */
public final class HistoryJobs {

    public static final String PERIODIC = "Periodic";
    public static final String STEADY = "Steady";
    public static final String IDLE = "Idle";
    public static final String SOURCE_VERTEX = "Source: Numbers";
    public static final String WORK_VERTEX = "Work";
    public static final String SINK_VERTEX = "Sink: Out";
    public static final int SLOW_SECONDS = 8;
    public static final int PERIOD_SECONDS = 25;
    /** The periodic job checkpoints this often: every slow phase overlaps a checkpoint (its barriers wait in it). */
    public static final long CHECKPOINT_MILLIS = 5_000;
    /** Records a periodic or steady source emits between two sleeps of 1 ms. */
    public static final int BATCH = 20;
    public static final String READY = "chokepoint-e2e: history jobs submitted at ";
    /** Printed by each sink at its first record, with the time: its periods count from there. */
    public static final String FIRST_RECORD = "chokepoint-e2e: first record at the sink at ";

    private HistoryJobs() {
    }

    public static void main(String[] args) throws Exception {
        Configuration conf = BackpressureJob.localClusterConfiguration();
        conf.setString("taskmanager.numberOfTaskSlots", "3");
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(3).build());
        cluster.start();
        URI rest = cluster.getRestAddress().get(60, TimeUnit.SECONDS);
        System.out.println("chokepoint-e2e: Flink " + EnvironmentInformation.getVersion() + ", java "
                + System.getProperty("java.version") + ", REST at " + rest);
        long start = System.currentTimeMillis();
        JobClient periodic = submit(rest, PERIODIC, BATCH, 1, SLOW_SECONDS * 1000L, CHECKPOINT_MILLIS);
        JobClient steady = submit(rest, STEADY, BATCH, 1, PERIOD_SECONDS * 1000L, 0);
        JobClient idle = submit(rest, IDLE, 1, 20, 0, 0);
        System.out.println(READY + start);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.trim().equals("exit")) {
            // only exit
        }
        for (JobClient job : new JobClient[] {periodic, steady, idle}) {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
        cluster.close();
    }

    /** {@code slowMillis} of every period the sink is slow (a whole period: always). */
    /** {@code checkpointMillis}: the checkpoint interval, 0 for none. */
    private static JobClient submit(URI rest, String name, int batch, long pauseMillis, long slowMillis,
                                    long checkpointMillis) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment(rest.getHost(), rest.getPort());
        env.setParallelism(1);
        env.disableOperatorChaining();
        // Partly filled buffers go out every 10 ms: a slow phase fills the pools in well under a second.
        env.setBufferTimeout(10);
        if (checkpointMillis > 0) {
            env.enableCheckpointing(checkpointMillis);
        }
        env.addSource(new Numbers(batch, pauseMillis)).name("Numbers")
                .map(new Work()).name(WORK_VERTEX)
                .addSink(new Out(slowMillis)).name("Out");
        return env.executeAsync(name);
    }

    /** Emits {@code batch} numbers, then sleeps {@code pauseMillis}. */
    static final class Numbers extends FlinkLegacyApi.ParallelSource<Long> {
        private static final long serialVersionUID = 1L;
        private final int batch;
        private final long pauseMillis;
        private volatile boolean running = true;

        Numbers(int batch, long pauseMillis) {
            this.batch = batch;
            this.pauseMillis = pauseMillis;
        }

        @Override
        public void run(SourceContext<Long> ctx) throws Exception {
            long n = 0;
            while (running) {
                for (int i = 0; i < batch; i++) {
                    synchronized (ctx.getCheckpointLock()) {
                        ctx.collect(n++);
                    }
                }
                Thread.sleep(pauseMillis);
            }
        }

        @Override
        public void cancel() {
            running = false;
        }
    }

    static final class Work implements MapFunction<Long, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long map(Long value) {
            return value * 31 + 7;
        }
    }

    /**
     * Sleeps 2 ms per record during the first {@code slowMillis} of every period, counted from the
     * first record it gets: the job's start-up does not eat into the first slow phase.
     */
    static final class Out extends FlinkLegacyApi.Sink<Long> {
        private static final long serialVersionUID = 1L;
        private final long slowMillis;
        private transient long start;

        Out(long slowMillis) {
            this.slowMillis = slowMillis;
        }

        @Override
        public void invoke(Long value, Context context) throws Exception {
            long now = System.currentTimeMillis();
            if (start == 0) {
                start = now;
                System.out.println(FIRST_RECORD + now);
            }
            if ((now - start) % (PERIOD_SECONDS * 1000L) < slowMillis) {
                Thread.sleep(2);
            }
        }
    }
}

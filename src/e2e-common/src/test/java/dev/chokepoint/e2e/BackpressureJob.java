package dev.chokepoint.e2e;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.File;
import java.lang.reflect.Method;

/**
 * The child JVM's main: a real Flink job on a local MiniCluster. By default its sink is far slower
 * than its source, so that everything upstream of the sink is backpressured.
 *
 * <pre>
 *   Source: FastSource (2) --forward--> MapOp (2) --keyBy--> Sink: SlowSink (2)
 * </pre>
 *
 * Chaining is disabled so that each operator runs in its own task thread. Arguments
 * ({@code key=value}) vary the job:
 * <ul>
 *   <li>{@code source=legacy} (default): {@link FastSource}, a legacy {@code SourceFunction};
 *       {@code source=sequence}: the FLIP-27 {@code env.fromSequence(0, Long.MAX_VALUE)} (Flink 1.12+);
 *       {@code source=slow}: {@link SlowSource}, one record every {@link SlowSource#PAUSE_MILLIS} ms.</li>
 *   <li>{@code sink=slow} (default): {@link SlowSink}, about 1 ms per record; {@code sink=fast}: {@link FastSink};
 *       {@code sink=skewed}: {@link SkewedSink}, slow in subtask 0 only (key skew: the keyBy sends
 *       about half the keys to each subtask, so only the channels to subtask 0 fill up).</li>
 *   <li>{@code taskmanagers=N}: N TaskManagers of one slot each, so that the keyBy crosses the
 *       network (Netty over loopback) instead of staying in one TaskManager's memory.</li>
 *   <li>{@code flinkJmx=true}: Flink's own JMX reporter (as a factory: 1.9+), the tests' oracle.</li>
 *   <li>{@code restPort=N}: Flink's REST endpoint on port N, its backpressure monitor refreshed every second.</li>
 * </ul>
 * Only DataStream API that exists in Flink 1.9 to 2.x alike is called directly: this source is
 * compiled against each ({@code fromSequence} is looked up reflectively; the legacy source and sink
 * base classes, which 2.0 moved, come from each module's {@link FlinkLegacyApi}). The job never finishes;
 * {@link #execute} blocks until the test kills the JVM.
 */
public final class BackpressureJob {

    public static final String JOB_NAME = "chokepoint-e2e-backpressure";
    public static final int PARALLELISM = 2;

    /** Vertex names as the agent reports them (Flink prefixes sources and sinks). */
    public static final String SOURCE_VERTEX = "Source: FastSource";
    public static final String MAP_VERTEX = "MapOp";
    public static final String SINK_VERTEX = "Sink: SlowSink";
    /** Vertex names of the variants chosen by {@code source=sequence}, {@code source=slow} and {@code sink=fast}. */
    public static final String SEQUENCE_SOURCE_VERTEX = "Source: Sequence";
    public static final String SLOW_SOURCE_VERTEX = "Source: SlowSource";
    public static final String FAST_SINK_VERTEX = "Sink: FastSink";
    public static final String SKEWED_SINK_VERTEX = "Sink: SkewedSink";

    /** Flink's JMX reporter (flink-metrics-jmx), as a factory: Flink 1.9 and later. */
    public static final String JMX_REPORTER_FACTORY = "org.apache.flink.metrics.jmx.JMXReporterFactory";

    /** Printed once by each source subtask when it starts emitting. */
    public static final String SOURCE_RUNNING = "chokepoint-e2e: source subtask running";
    /** Printed once by each sink subtask when its first record arrives. */
    public static final String SINK_RECEIVING = "chokepoint-e2e: sink subtask receiving";

    private BackpressureJob() {
    }

    /** What every test MiniCluster needs: temp files under target/, no fixed port, loopback only. */
    public static Configuration localClusterConfiguration() {
        Configuration conf = new Configuration();
        // Flink leaves blob, netty and rpc files in its temp dirs: keep them under target/.
        String tmp = System.getProperty("java.io.tmpdir");
        new File(tmp).mkdirs();
        conf.setString("io.tmp.dirs", tmp);
        // No fixed ports and nothing reachable from outside this machine.
        conf.setString("rest.bind-address", "127.0.0.1");
        conf.setString("rest.address", "127.0.0.1");
        conf.setString("rest.bind-port", "0");
        conf.setString("rest.port", "0");
        return conf;
    }

    public static void main(String[] args) throws Exception {
        java.util.Map<String, String> options = new java.util.HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("expected key=value, got '" + arg + "'");
            }
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        String source = options.getOrDefault("source", "legacy");
        String sink = options.getOrDefault("sink", "slow");
        int taskManagers = Integer.parseInt(options.getOrDefault("taskmanagers", "1"));

        Configuration conf = localClusterConfiguration();
        if (taskManagers > 1) {
            // 1.12 reads only the old key, 1.20 the new one (the old as a deprecated fallback).
            conf.setString("local.number-taskmanager", Integer.toString(taskManagers));
            conf.setString("minicluster.number-of-taskmanagers", Integer.toString(taskManagers));
            // One slot per TaskManager: subtask i of every vertex shares slot i, so each keyBy
            // channel between subtask 0 and subtask 1 crosses TaskManagers.
            conf.setString("taskmanager.numberOfTaskSlots", "1");
            // Netty between the TaskManagers, on loopback only.
            conf.setString("taskmanager.host", "127.0.0.1");
            conf.setString("taskmanager.bind-host", "127.0.0.1");
        }
        if (Boolean.parseBoolean(options.getOrDefault("flinkJmx", "false"))) {
            // No port: the reporter registers its MBeans in the platform MBean server only.
            conf.setString("metrics.reporter.jmx.factory.class", JMX_REPORTER_FACTORY);
        }
        String restPort = options.get("restPort");
        if (restPort != null) {
            // The port the tests' REST oracle reads (the local environment does not tell its own).
            conf.setString("rest.port", restPort);
            conf.setString("rest.bind-port", restPort);
            // Flink ≤1.12's REST monitor samples only when asked and serves its last sample until
            // that is older than the refresh interval: 1 s keeps it resampling back to back. 100
            // samples 50 ms apart (its defaults) span the agent's default window.
            conf.setString("web.backpressure.refresh-interval", "1000");
            conf.setString("web.backpressure.num-samples", "100");
            conf.setString("web.backpressure.delay-between-samples", "50");
            // Flink 1.13+'s REST monitor answers from the metrics its fetcher last fetched (every 10 s by default).
            conf.setString("metrics.fetcher.update-interval", "1000");
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(PARALLELISM, conf);
        env.disableOperatorChaining();

        DataStream<Long> records;
        switch (source) {
            case "legacy":
                records = env.addSource(new FastSource()).name("FastSource");
                break;
            case "sequence":
                records = fromSequence(env).name("Sequence");
                break;
            case "slow":
                records = env.addSource(new SlowSource()).name("SlowSource");
                break;
            default:
                throw new IllegalArgumentException("source=" + source + ": expected legacy, sequence or slow");
        }
        KeyedStream<Long, Long> keyed = records.map(new MapOp()).name(MAP_VERTEX).keyBy(new ByValue());
        switch (sink) {
            case "slow":
                keyed.addSink(new SlowSink()).name("SlowSink");
                break;
            case "fast":
                keyed.addSink(new FastSink()).name("FastSink");
                break;
            case "skewed":
                keyed.addSink(new SkewedSink()).name("SkewedSink");
                break;
            default:
                throw new IllegalArgumentException("sink=" + sink + ": expected slow, fast or skewed");
        }

        System.out.println("chokepoint-e2e: submitting " + JOB_NAME + " to Flink " + EnvironmentInformation.getVersion()
                + " (source=" + source + ", sink=" + sink + ", taskmanagers=" + taskManagers + ", parallelism "
                + PARALLELISM + ", java " + System.getProperty("java.version") + ")");
        if (taskManagers > 1 && EnvironmentInformation.getVersion().startsWith("1.9.")) {
            executeOnMiniCluster(env, conf, taskManagers);
        } else {
            env.execute(JOB_NAME);
        }
    }

    /**
     * Flink 1.9's local environment always starts one TaskManager (its {@code execute} builds the
     * MiniCluster without reading {@code local.number-taskmanager}): start the cluster here instead.
     */
    private static void executeOnMiniCluster(StreamExecutionEnvironment env, Configuration conf, int taskManagers)
            throws Exception {
        JobGraph job = env.getStreamGraph().getJobGraph();
        // What 1.9's LocalStreamEnvironment does: wait for slots rather than fail while the
        // TaskManagers register (the method is gone in later versions).
        JobGraph.class.getMethod("setAllowQueuedScheduling", boolean.class).invoke(job, true);
        MiniClusterConfiguration cluster = new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(taskManagers)
                .setNumSlotsPerTaskManager(1)
                .build();
        try (MiniCluster miniCluster = new MiniCluster(cluster)) {
            miniCluster.start();
            miniCluster.executeJobBlocking(job);
        }
    }

    /**
     * {@code env.fromSequence(0, Long.MAX_VALUE)}: a FLIP-27 source ({@code NumberSequenceSource}),
     * Flink 1.12+. Called reflectively so that this class still compiles against Flink 1.9.
     */
    @SuppressWarnings("unchecked")
    private static SingleOutputStreamOperator<Long> fromSequence(StreamExecutionEnvironment env) throws Exception {
        Method fromSequence;
        try {
            fromSequence = StreamExecutionEnvironment.class.getMethod("fromSequence", long.class, long.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("source=sequence needs Flink 1.12+ (StreamExecutionEnvironment.fromSequence)", e);
        }
        return (SingleOutputStreamOperator<Long>) fromSequence.invoke(env, 0L, Long.MAX_VALUE);
    }

    /** A legacy source that emits longs as fast as its output lets it. */
    public static final class FastSource extends FlinkLegacyApi.ParallelSource<Long> {
        private static final long serialVersionUID = 1L;
        private volatile boolean running = true;

        @Override
        @SuppressWarnings("deprecation")
        public void run(SourceContext<Long> ctx) throws Exception {
            System.out.println(SOURCE_RUNNING + " " + subtaskIndex()
                    + " in thread '" + Thread.currentThread().getName() + "'");
            long next = subtaskIndex();
            while (running) {
                synchronized (ctx.getCheckpointLock()) {
                    ctx.collect(next);
                }
                next += PARALLELISM;
            }
        }

        @Override
        public void cancel() {
            running = false;
        }
    }

    /** Cheap per-record work; blocked on its output once the sink falls behind. */
    public static final class MapOp implements MapFunction<Long, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long map(Long value) {
            return value * 31;
        }
    }

    public static final class ByValue implements KeySelector<Long, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long getKey(Long value) {
            return value;
        }
    }

    /** About 1 ms per record: the bottleneck. Never blocked on output, so never backpressured. */
    public static final class SlowSink extends FlinkLegacyApi.Sink<Long> {
        private static final long serialVersionUID = 1L;
        private boolean announced;

        @Override
        public void invoke(Long value) throws Exception {
            if (!announced) {
                announced = true;
                System.out.println(SINK_RECEIVING + " " + subtaskIndex()
                        + " in thread '" + Thread.currentThread().getName() + "'");
            }
            Thread.sleep(1);
        }
    }

    /** A legacy source that emits one record every {@link #PAUSE_MILLIS} ms: the idle control job. */
    public static final class SlowSource extends FlinkLegacyApi.ParallelSource<Long> {
        private static final long serialVersionUID = 1L;
        static final long PAUSE_MILLIS = 5;
        private volatile boolean running = true;

        @Override
        @SuppressWarnings("deprecation")
        public void run(SourceContext<Long> ctx) throws Exception {
            System.out.println(SOURCE_RUNNING + " " + subtaskIndex()
                    + " in thread '" + Thread.currentThread().getName() + "'");
            long next = subtaskIndex();
            while (running) {
                synchronized (ctx.getCheckpointLock()) {
                    ctx.collect(next);
                }
                next += PARALLELISM;
                Thread.sleep(PAUSE_MILLIS);
            }
        }

        @Override
        public void cancel() {
            running = false;
        }
    }

    /** Does nothing per record: never the bottleneck. */
    public static final class FastSink extends FlinkLegacyApi.Sink<Long> {
        private static final long serialVersionUID = 1L;
        private boolean announced;

        @Override
        public void invoke(Long value) {
            if (!announced) {
                announced = true;
                System.out.println(SINK_RECEIVING + " " + subtaskIndex()
                        + " in thread '" + Thread.currentThread().getName() + "'");
            }
        }
    }

    /**
     * About 1 ms per record in subtask 0, nothing in subtask 1: the keyBy spreads the keys over both,
     * so subtask 0 is the bottleneck, every upstream subtask backpressured by its channels to
     * subtask 0, and subtask 1 mostly waits for input.
     */
    public static final class SkewedSink extends FlinkLegacyApi.Sink<Long> {
        private static final long serialVersionUID = 1L;
        /** The one slow subtask. */
        public static final int SLOW_SUBTASK = 0;
        private boolean announced;

        @Override
        public void invoke(Long value) throws Exception {
            int subtask = subtaskIndex();
            if (!announced) {
                announced = true;
                System.out.println(SINK_RECEIVING + " " + subtask + " in thread '" + Thread.currentThread().getName() + "'");
            }
            if (subtask == SLOW_SUBTASK) {
                Thread.sleep(1);
            }
        }
    }
}

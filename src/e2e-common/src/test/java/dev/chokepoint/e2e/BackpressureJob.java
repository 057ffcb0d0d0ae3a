package dev.chokepoint.e2e;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.RichSinkFunction;
import org.apache.flink.streaming.api.functions.source.RichParallelSourceFunction;

import java.io.File;

/**
 * The child JVM's main: a real Flink job on a local MiniCluster whose sink is far slower than its
 * source, so that everything upstream of the sink is backpressured.
 *
 * <pre>
 *   Source: FastSource (2) --forward--> MapOp (2) --keyBy--> Sink: SlowSink (2)
 * </pre>
 *
 * Chaining is disabled so that each operator runs in its own task thread. Only DataStream API that
 * exists in Flink 1.9 and 1.20 alike is used: this source is compiled against both. The job never
 * finishes; {@link #execute} blocks until the test kills the JVM.
 */
public final class BackpressureJob {

    public static final String JOB_NAME = "chokepoint-e2e-backpressure";
    public static final int PARALLELISM = 2;

    /** Vertex names as the agent reports them (Flink prefixes sources and sinks). */
    public static final String SOURCE_VERTEX = "Source: FastSource";
    public static final String MAP_VERTEX = "MapOp";
    public static final String SINK_VERTEX = "Sink: SlowSink";

    /** Printed once by each source subtask when it starts emitting. */
    public static final String SOURCE_RUNNING = "chokepoint-e2e: source subtask running";
    /** Printed once by each sink subtask when its first record arrives. */
    public static final String SINK_RECEIVING = "chokepoint-e2e: sink subtask receiving";

    private BackpressureJob() {
    }

    public static void main(String[] args) throws Exception {
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

        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(PARALLELISM, conf);
        env.disableOperatorChaining();

        env.addSource(new FastSource()).name("FastSource")
                .map(new MapOp()).name(MAP_VERTEX)
                .keyBy(new ByValue())
                .addSink(new SlowSink()).name("SlowSink");

        System.out.println("chokepoint-e2e: submitting " + JOB_NAME + " to Flink " + EnvironmentInformation.getVersion()
                + " (parallelism " + PARALLELISM + ", java " + System.getProperty("java.version") + ")");
        env.execute(JOB_NAME);
    }

    /** A legacy source that emits longs as fast as its output lets it. */
    public static final class FastSource extends RichParallelSourceFunction<Long> {
        private static final long serialVersionUID = 1L;
        private volatile boolean running = true;

        @Override
        @SuppressWarnings("deprecation")
        public void run(SourceContext<Long> ctx) throws Exception {
            System.out.println(SOURCE_RUNNING + " " + getRuntimeContext().getIndexOfThisSubtask()
                    + " in thread '" + Thread.currentThread().getName() + "'");
            long next = getRuntimeContext().getIndexOfThisSubtask();
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
    public static final class SlowSink extends RichSinkFunction<Long> {
        private static final long serialVersionUID = 1L;
        private boolean announced;

        @Override
        @SuppressWarnings("deprecation")
        public void invoke(Long value) throws Exception {
            if (!announced) {
                announced = true;
                System.out.println(SINK_RECEIVING + " " + getRuntimeContext().getIndexOfThisSubtask()
                        + " in thread '" + Thread.currentThread().getName() + "'");
            }
            Thread.sleep(1);
        }
    }
}

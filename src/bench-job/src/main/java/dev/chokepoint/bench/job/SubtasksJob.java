package dev.chokepoint.bench.job;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.RichSinkFunction;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A child JVM's main for the memory benchmark: a real Flink job of 4 × {@code --parallelism}
 * subtasks (1,000 at 250) on one MiniCluster TaskManager, each subtask its own task thread.
 *
 * <pre>
 *   Source (P) --forward--> First (P) --forward--> Second (P) --forward--> Sink (P)
 * </pre>
 *
 * With slot sharing, subtask i of every vertex shares slot i: P slots. Two scenarios:
 * <ul>
 *   <li>{@code idle}: a rate-limited generator, one record per second per source subtask; no
 *       buffer request ever waits, so the agent holds what it holds for every subtask it reports.</li>
 *   <li>{@code backpressured}: an unbounded generator of 12 KiB records (3 network buffers) into a
 *       sink that sleeps 100 ms per record. Flink 1.14+ checks that its output has a free buffer
 *       before each record, so a task with small records waits in its mailbox and never in a buffer
 *       request; a record that spans buffers makes its writer wait in {@code LocalBufferPool}'s
 *       blocking request (with no overdraft buffers, see {@link #configuration}), which the agent times, keeping per-thread wait timing (its largest
 *       per-subtask state) for the source, First and Second threads: 3 × P.</li>
 * </ul>
 * Once every subtask runs (and, with the agent, the agent reports all of them), waits
 * {@code --settle} so that the agent's windows fill, then writes a class histogram of the live
 * heap ({@code GC.class_histogram}, which runs a full GC first) to {@code --histogram} and prints a
 * {@link ResultLine}.
 */
public final class SubtasksJob {

    static final int VERTICES = 4;
    /** Records of the backpressured scenario: 3 network buffers each, so that writers block in the middle of one. */
    static final int RECORD_BYTES = 12 * 1024 - 64;
    static final long SLOW_SINK_MILLIS = 100;

    /** open() calls of First, Second and Sink; and First subtasks that received a record (their source runs). */
    static final AtomicInteger OPENED = new AtomicInteger();
    static final AtomicInteger RECEIVING = new AtomicInteger();

    private SubtasksJob() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        int parallelism = options.positiveInt("parallelism", 250);
        String scenario = options.string("scenario", "idle");
        Duration settle = options.duration("settle", "12s");
        Path histogramFile = Paths.get(options.required("histogram"));
        boolean expectAgent = options.bool("expect-agent", false);

        AgentProbe agent = new AgentProbe();
        agent.check(expectAgent);

        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(parallelism, configuration(parallelism, scenario));
        env.disableOperatorChaining();
        switch (scenario) {
            case "idle":
                env.fromSource(new DataGeneratorSource<>(index -> index, Long.MAX_VALUE,
                                RateLimiterStrategy.perSecond(parallelism), Types.LONG),
                        WatermarkStrategy.noWatermarks(), "Source")
                        .map(new Pass<Long>(true)).name("First")
                        .map(new Pass<Long>(false)).name("Second")
                        .addSink(new Sink<Long>(0)).name("Sink");
                break;
            case "backpressured":
                env.fromSource(new DataGeneratorSource<>(index -> new byte[RECORD_BYTES], Long.MAX_VALUE,
                                RateLimiterStrategy.noOp(), PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO),
                        WatermarkStrategy.noWatermarks(), "Source")
                        .map(new Pass<byte[]>(true)).name("First")
                        .map(new Pass<byte[]>(false)).name("Second")
                        .addSink(new Sink<byte[]>(SLOW_SINK_MILLIS)).name("Sink");
                break;
            default:
                throw new IllegalArgumentException("--scenario=" + scenario + ": expected idle or backpressured");
        }
        long start = System.nanoTime();
        JobClient job = env.executeAsync("chokepoint-bench-subtasks");

        int subtasks = VERTICES * parallelism;
        awaitTrue("all " + subtasks + " subtasks running", Duration.ofMinutes(5),
                () -> OPENED.get() >= 3 * parallelism && RECEIVING.get() >= parallelism);
        long runningMillis = (System.nanoTime() - start) / 1_000_000;
        if (expectAgent) {
            awaitTrue("the agent reporting " + subtasks + " subtasks", Duration.ofMinutes(2),
                    () -> agent.subtasks() >= subtasks);
        }
        Thread.sleep(settle.toMillis());

        String histogram = classHistogram();
        Files.write(histogramFile, histogram.getBytes(StandardCharsets.UTF_8));
        ClassHistogram parsed = ClassHistogram.parse(histogram);

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("scenario", scenario);
        result.put("subtasks", subtasks);
        result.put("runningAfterMillis", runningMillis);
        result.put("liveBytes", parsed.totalBytes());
        result.put("heapUsedAfterGc", heapUsed());
        result.put("metaspaceUsed", poolUsed("Metaspace"));
        result.put("liveThreads", ManagementFactory.getThreadMXBean().getThreadCount());
        if (expectAgent) {
            result.put("agentSubtasks", agent.subtasks());
            result.put("agentTaskThreads", agent.taskThreads());
            result.put("agentTaskMBeans", agent.taskMBeans());
            result.put("agentTimedThreads", agent.timedThreads());
            result.put("agentTicks", agent.samplingTicks());
            result.put("agentErrors", agent.samplingErrors());
        }
        System.out.println(ResultLine.format(result));
        job.cancel().get(120, TimeUnit.SECONDS);
        System.exit(0);
    }

    /**
     * One TaskManager with a slot per subtask index. 4 KiB network buffers: 1,000 subtasks with
     * Flink's default buffers per channel and gate need about 15,000 buffers, 60 MiB at that size
     * (480 MiB at the default 32 KiB); the heap, which is what is measured, does not hold them.
     */
    static Configuration configuration(int parallelism, String scenario) {
        Configuration conf = LocalCluster.configuration();
        if ("backpressured".equals(scenario)) {
            // Without this, a writer short of buffers in the middle of a record takes up to 5 spare
            // ones from the global pool instead of waiting (1.16+), which the 3-buffer records never exceed.
            conf.setString("taskmanager.network.memory.max-overdraft-buffers-per-gate", "0");
        }
        conf.setString("taskmanager.numberOfTaskSlots", Integer.toString(parallelism));
        conf.setString("taskmanager.memory.segment-size", "4kb");
        conf.setString("taskmanager.memory.network.min", "96mb");
        conf.setString("taskmanager.memory.network.max", "96mb");
        // deploying 1,000 tasks on 2 busy cores can take longer than the 10 s default
        conf.setString("pekko.ask.timeout", "120 s");
        conf.setString("heartbeat.timeout", "300000");
        return conf;
    }

    /** Runs HotSpot's GC.class_histogram in this JVM, as {@code jcmd <pid> GC.class_histogram} would. */
    static String classHistogram() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName dcmd = new ObjectName("com.sun.management:type=DiagnosticCommand");
        return (String) server.invoke(dcmd, "gcClassHistogram", new Object[]{new String[0]},
                new String[]{String[].class.getName()});
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long poolUsed(String name) {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.NON_HEAP && pool.getName().equals(name)) {
                return pool.getUsage().getUsed();
            }
        }
        return -1;
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(String what, Duration timeout, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not " + what + " within " + timeout.toSeconds() + " s (opened "
                        + OPENED.get() + ", receiving " + RECEIVING.get() + ")");
            }
            Thread.sleep(100);
        }
    }

    public static final class Pass<T> extends RichMapFunction<T, T> {
        private final boolean first;
        private transient boolean received;

        Pass(boolean first) {
            this.first = first;
        }

        @Override
        public void open(OpenContext openContext) {
            OPENED.incrementAndGet();
        }

        @Override
        public T map(T value) {
            if (first && !received) {
                received = true;
                RECEIVING.incrementAndGet();
            }
            return value;
        }
    }

    public static final class Sink<T> extends RichSinkFunction<T> {
        private final long sleepMillis;

        Sink(long sleepMillis) {
            this.sleepMillis = sleepMillis;
        }

        @Override
        public void open(OpenContext openContext) {
            OPENED.incrementAndGet();
        }

        @Override
        public void invoke(T value, Context context) throws InterruptedException {
            if (sleepMillis > 0) {
                Thread.sleep(sleepMillis);
            }
        }
    }
}

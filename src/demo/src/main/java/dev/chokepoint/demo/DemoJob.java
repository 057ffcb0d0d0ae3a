package dev.chokepoint.demo;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.DiscardingSink;
import org.apache.flink.streaming.api.functions.source.RichParallelSourceFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingProcessingTimeWindows;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The job under observation: an embedded Flink 1.20 MiniCluster running
 * {@code Source: Events -> Parse -> Enrich -> Window -> Sink: Discard}, where {@code Enrich} is too
 * slow for the source. Runs in its own JVM (started by {@link DemoMain}) so that Chokepoint is
 * attached to a process that did not know about it, as it would be in production.
 */
public final class DemoJob {

    /** Printed once the job is running; {@link DemoMain} attaches only after seeing it. */
    public static final String READY = "DEMO JOB RUNNING";

    public static final String SOURCE = "Events";
    public static final String PARSE = "Parse";
    public static final String ENRICH = "Enrich";
    public static final String WINDOW = "Window";
    public static final String SINK = "Discard";

    /** Vertex names as Flink shows them, in job order (Flink prefixes sources and sinks). */
    public static final List<String> VERTICES =
            List.of("Source: " + SOURCE, PARSE, ENRICH, WINDOW, "Sink: " + SINK);

    static final int PARALLELISM = 2;

    private DemoJob() {
    }

    public static void main(String[] args) throws Exception {
        exitWhenLauncherDies();

        Configuration conf = new Configuration();
        // Flink leaves blobs, netty and rpc jars in its temp dirs; the launcher points java.io.tmpdir into target/.
        conf.set(CoreOptions.TMP_DIRS, System.getProperty("java.io.tmpdir"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(PARALLELISM, conf);
        // One thread per operator, so that each vertex gets its own line in the report.
        env.disableOperatorChaining();

        env.addSource(new EventSource(), SOURCE)
                .map(new Parse()).name(PARSE)
                .map(new Enrich()).name(ENRICH)
                .keyBy(event -> event.action)
                .window(TumblingProcessingTimeWindows.of(Duration.ofSeconds(1)))
                .aggregate(new Count()).name(WINDOW)
                .addSink(new DiscardingSink<>()).name(SINK);

        JobClient job = env.executeAsync("Chokepoint demo");
        awaitRunning(job);
        System.out.println(READY + " " + job.getJobID());
        System.out.flush();
        job.getJobExecutionResult().get();
    }

    private static void awaitRunning(JobClient job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JobStatus status = job.getJobStatus().get();
        while (status != JobStatus.RUNNING) {
            if (status.isGloballyTerminalState() || System.nanoTime() > deadline) {
                throw new IllegalStateException("job did not start: " + status);
            }
            Thread.sleep(50);
            status = job.getJobStatus().get();
        }
    }

    /**
     * The launcher keeps our stdin open; the OS closes it when the launcher dies, even by SIGKILL,
     * which is the one case its shutdown hook cannot cover.
     */
    private static void exitWhenLauncherDies() {
        Thread watcher = new Thread(() -> {
            try (InputStream in = System.in) {
                while (in.read() >= 0) {
                    // Nothing is ever sent; we only wait for end-of-file.
                }
            } catch (IOException ignored) {
                // A broken pipe means the launcher is gone, too.
            }
            Runtime.getRuntime().halt(0);
        }, "launcher watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Parsed event; public fields and a no-arg constructor make Flink treat it as a POJO, not Kryo. */
    public static final class Event {
        public String user;
        public String action;
        public long timestamp;
        public String region;

        public Event() {
        }
    }

    /** Emits as fast as Flink lets it, so every operator downstream of the bottleneck fills up. */
    static final class EventSource extends RichParallelSourceFunction<String> {
        private static final long serialVersionUID = 1L;
        private static final String[] ACTIONS = {"view", "click", "cart", "buy", "search", "share"};

        private volatile boolean running = true;

        @Override
        public void run(SourceContext<String> ctx) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            long sequence = 0;
            while (running) {
                String event = "user-" + random.nextInt(10_000) + ',' + ACTIONS[random.nextInt(ACTIONS.length)] + ','
                        + System.currentTimeMillis() + ',' + sequence++;
                synchronized (ctx.getCheckpointLock()) {
                    ctx.collect(event);
                }
            }
        }

        @Override
        public void cancel() {
            running = false;
        }
    }

    static final class Parse implements MapFunction<String, Event> {
        private static final long serialVersionUID = 1L;

        @Override
        public Event map(String line) {
            String[] fields = line.split(",", -1);
            Event event = new Event();
            event.user = fields[0];
            event.action = fields[1];
            event.timestamp = Long.parseLong(fields[2]);
            return event;
        }
    }

    /** The bottleneck: stands for a lookup in a slow external service, about 1 ms per record. */
    static final class Enrich implements MapFunction<Event, Event> {
        private static final long serialVersionUID = 1L;
        private static final String[] REGIONS = {"eu", "us", "apac"};

        @Override
        public Event map(Event event) throws InterruptedException {
            Thread.sleep(1);
            event.region = REGIONS[Math.floorMod(event.user.hashCode(), REGIONS.length)];
            return event;
        }
    }

    static final class Count implements AggregateFunction<Event, Long, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long createAccumulator() {
            return 0L;
        }

        @Override
        public Long add(Event event, Long count) {
            return count + 1;
        }

        @Override
        public Long getResult(Long count) {
            return count;
        }

        @Override
        public Long merge(Long a, Long b) {
            return a + b;
        }
    }
}

package dev.chokepoint.e2e;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.async.AsyncFunction;
import org.apache.flink.streaming.api.functions.async.ResultFuture;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM's main for the cause scenarios: one real Flink job at a time, each with a
 * bottleneck whose cause is known by construction, on a MiniCluster of its own (the local
 * environment's), in one JVM with the agent. The test writes {@code start <cause>} on standard
 * input; the running job is cancelled and the one of that cause submitted:
 *
 * <pre>
 *   Source: Numbers (2) --> Parse (2) --keyBy--> X (2) --> Sink: Discard (2)
 * </pre>
 *
 * where X ({@link Cause#vertex}) spins on the CPU, sleeps 1 ms per record, waits for a monitor a
 * {@code cache-refresher} thread holds most of the time, does a blocking socket round trip to a
 * slow server on loopback, calls a slow service through async I/O (capacity 4), allocates hard
 * with a large live set (GC), or is slow in one subtask only (key skew). For {@code queue} the
 * sink is the bottleneck itself: it hands each record to a bounded queue a client drains slowly.
 * Chaining is off, so each operator runs in its own task thread. Flink 1.12, 1.20 and 2.x.
 */
public final class CauseJobs {

    public static final int PARALLELISM = 2;
    public static final String SOURCE_VERTEX = "Source: Numbers";
    public static final String PARSE_VERTEX = "Parse";
    public static final String SINK_VERTEX = "Sink: Discard";
    /** Printed by X's subtasks when their first record arrives: {@code <prefix> <cause> <thread name>}. */
    public static final String RECEIVING = "chokepoint-e2e: bottleneck receiving";
    public static final String CANCELLED = "chokepoint-e2e: cancelled";
    public static final String LOCK_HOLDER = "cache-refresher";

    /** The bottlenecks, with the vertex that is slow and the cause the agent must name. */
    public enum Cause {
        CPU("Spin", "CPU"),
        SLEEP("Sleep", "SLEEP"),
        LOCK("Locked", "LOCK"),
        IO("Socket", "IO"),
        ASYNC("AsyncCall", "EXTERNAL_WAIT"),
        QUEUE("Sink: Queue", "EXTERNAL_WAIT"),
        SKEW("Skewed", "SKEW"),
        GC("Allocate", "GC");

        public final String vertex;
        /** The origin's cause as {@code dev.chokepoint.api.Cause} names it. */
        public final String expected;

        Cause(String vertex, String expected) {
            this.vertex = vertex;
            this.expected = expected;
        }
    }

    private CauseJobs() {
    }

    public static void main(String[] args) throws Exception {
        boolean flinkJmx = args.length > 0 && args[0].equals("flinkJmx=true");
        System.out.println("chokepoint-e2e: cause jobs on Flink " + EnvironmentInformation.getVersion()
                + ", java " + System.getProperty("java.version") + "; waiting for 'start <cause>'");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        JobClient running = null;
        String line;
        while ((line = in.readLine()) != null) {
            line = line.trim();
            if (!line.startsWith("start ")) {
                continue;
            }
            if (running != null) {
                cancel(running);
            }
            Cause cause = Cause.valueOf(line.substring("start ".length()).trim());
            running = submit(cause, flinkJmx);
            System.out.println("chokepoint-e2e: submitted " + cause + " as job " + running.getJobID());
        }
        if (running != null) {
            cancel(running);
        }
    }

    private static void cancel(JobClient job) throws Exception {
        job.cancel().get(60, TimeUnit.SECONDS);
        try {
            job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        } catch (Exception expected) {
            // a cancelled job's result is its cancellation
        }
        System.out.println(CANCELLED + " " + job.getJobID());
    }

    private static JobClient submit(Cause cause, boolean flinkJmx) throws Exception {
        Configuration conf = BackpressureJob.localClusterConfiguration();
        if (flinkJmx) {
            conf.setString("metrics.reporter.jmx.factory.class", BackpressureJob.JMX_REPORTER_FACTORY);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(PARALLELISM, conf);
        env.disableOperatorChaining();
        DataStream<Long> parsed = env.fromSequence(0, Long.MAX_VALUE).name("Numbers")
                .map(new Parse()).name(PARSE_VERTEX);
        KeyedStream<Long, Long> keyed = parsed.keyBy(cause == Cause.SKEW ? new HotKey() : new ByValue());
        DataStream<Long> slow;
        switch (cause) {
            case CPU:
                slow = keyed.map(new Spin(cause)).name(cause.vertex);
                break;
            case SLEEP:
                slow = keyed.map(new Sleep(cause)).name(cause.vertex);
                break;
            case LOCK:
                slow = keyed.map(new Locked(cause)).name(cause.vertex);
                break;
            case IO:
                slow = keyed.map(new SocketCall(cause, SlowServer.port())).name(cause.vertex);
                break;
            case ASYNC:
                slow = AsyncDataStream.unorderedWait(keyed, new SlowService(), 60, TimeUnit.SECONDS, 4)
                        .name(cause.vertex);
                break;
            case SKEW:
                slow = keyed.map(new Spin(cause)).name(cause.vertex);
                break;
            case GC:
                slow = keyed.map(new Allocate(cause)).name(cause.vertex);
                break;
            case QUEUE:
                keyed.addSink(new QueueSink()).name("Queue");
                return env.executeAsync("chokepoint-e2e-" + cause.name().toLowerCase());
            default:
                throw new IllegalArgumentException(cause.name());
        }
        slow.addSink(new Discard()).name("Discard");
        return env.executeAsync("chokepoint-e2e-" + cause.name().toLowerCase());
    }

    static void announce(Cause cause) {
        System.out.println(RECEIVING + " " + cause + " " + Thread.currentThread().getName());
    }

    public static final class Parse implements MapFunction<Long, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long map(Long value) {
            return value * 31 + 7;
        }
    }

    public static final class ByValue implements KeySelector<Long, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long getKey(Long value) {
            return value;
        }
    }

    /** Nine records in ten have one key: one subtask of the keyed vertex gets nearly all of them. */
    public static final class HotKey implements KeySelector<Long, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long getKey(Long value) {
            return Math.floorMod(value, 10L) < 9 ? 0L : value;
        }
    }

    /** X: says once per subtask that records arrive, then does its slow work on each. */
    public abstract static class Bottleneck implements MapFunction<Long, Long> {
        private static final long serialVersionUID = 1L;
        private final Cause cause;
        private transient boolean announced;

        Bottleneck(Cause cause) {
            this.cause = cause;
        }

        @Override
        public final Long map(Long value) throws Exception {
            if (!announced) {
                announced = true;
                open();
                System.out.println(RECEIVING + " " + cause + " " + Thread.currentThread().getName());
            }
            return slowly(value);
        }

        /** Before the first record, on the task thread. */
        void open() throws Exception {
        }

        abstract long slowly(long value) throws Exception;
    }

    /** Hashing in a loop, about 0.2 ms per record: CPU (and, behind the hot key, skew). */
    public static final class Spin extends Bottleneck {
        private static final long serialVersionUID = 1L;

        Spin(Cause cause) {
            super(cause);
        }

        @Override
        long slowly(long value) {
            long x = value;
            for (int i = 0; i < 200_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
            return x;
        }
    }

    /** {@code Thread.sleep(1)} per record: throttling. */
    public static final class Sleep extends Bottleneck {
        private static final long serialVersionUID = 1L;

        Sleep(Cause cause) {
            super(cause);
        }

        @Override
        long slowly(long value) throws InterruptedException {
            Thread.sleep(1);
            return value;
        }
    }

    /** A monitor that a {@link #LOCK_HOLDER} thread holds 20 ms at a time, letting go for 1 ms. */
    static final Object SHARED_CACHE = new Object();
    private static Thread lockHolder;

    static synchronized void startLockHolder() {
        if (lockHolder != null) {
            return;
        }
        lockHolder = new Thread(() -> {
            while (true) {
                try {
                    synchronized (SHARED_CACHE) {
                        Thread.sleep(20);
                    }
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, LOCK_HOLDER);
        lockHolder.setDaemon(true);
        lockHolder.start();
    }

    /** Reads a shared cache under its monitor, which another thread holds most of the time: LOCK. */
    public static final class Locked extends Bottleneck {
        private static final long serialVersionUID = 1L;

        Locked(Cause cause) {
            super(cause);
        }

        @Override
        void open() {
            startLockHolder();
        }

        @Override
        long slowly(long value) {
            synchronized (SHARED_CACHE) {
                return value + 1;
            }
        }
    }

    /** A server on loopback that answers each byte after 1 ms: an external system. */
    static final class SlowServer {
        private static int port;

        static synchronized int port() throws Exception {
            if (port == 0) {
                ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                port = server.getLocalPort();
                Thread acceptor = new Thread(() -> {
                    while (true) {
                        try {
                            Socket client = server.accept();
                            Thread handler = new Thread(() -> answerSlowly(client), "slow-server-handler");
                            handler.setDaemon(true);
                            handler.start();
                        } catch (Exception e) {
                            return;
                        }
                    }
                }, "slow-server");
                acceptor.setDaemon(true);
                acceptor.start();
            }
            return port;
        }

        private static void answerSlowly(Socket client) {
            try (Socket socket = client) {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                int b;
                while ((b = in.read()) >= 0) {
                    Thread.sleep(1);
                    out.write(b);
                    out.flush();
                }
            } catch (Exception e) {
                // the job was cancelled
            }
        }
    }

    /** One blocking round trip to {@link SlowServer} per record: IO. */
    public static final class SocketCall extends Bottleneck {
        private static final long serialVersionUID = 1L;
        private final int port;
        private transient Socket socket;

        SocketCall(Cause cause, int port) {
            super(cause);
            this.port = port;
        }

        @Override
        void open() throws Exception {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setTcpNoDelay(true);
        }

        @Override
        long slowly(long value) throws Exception {
            socket.getOutputStream().write(1);
            socket.getOutputStream().flush();
            return value + socket.getInputStream().read();
        }
    }

    /** A service that answers after 5 ms, called through async I/O with 4 requests in flight: EXTERNAL_WAIT. */
    public static final class SlowService implements AsyncFunction<Long, Long> {
        private static final long serialVersionUID = 1L;
        private static ScheduledExecutorService service;
        private transient boolean announced;

        private static synchronized ScheduledExecutorService service() {
            if (service == null) {
                service = Executors.newScheduledThreadPool(2, r -> {
                    Thread t = new Thread(r, "slow-service");
                    t.setDaemon(true);
                    return t;
                });
            }
            return service;
        }

        @Override
        public void asyncInvoke(Long input, ResultFuture<Long> resultFuture) {
            if (!announced) {
                announced = true;
                announce(Cause.ASYNC);
            }
            service().schedule(() -> resultFuture.complete(Collections.singletonList(input)), 5, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A large live set (two fifths of the heap, kept for the JVM's life) and records that each
     * allocate 128 KiB and keep it for a while, more than the young generation can hold: the JVM
     * spends most of its time collecting.
     */
    public static final class Allocate extends Bottleneck {
        private static final long serialVersionUID = 1L;
        private static final List<byte[]> LIVE = new ArrayList<>();
        private static final int RECENT = 2048;
        private transient byte[][] recent;
        private transient int next;

        Allocate(Cause cause) {
            super(cause);
        }

        @Override
        void open() {
            recent = new byte[RECENT][];
            synchronized (LIVE) {
                long target = Runtime.getRuntime().maxMemory() * 2 / 5;
                while (LIVE.size() * 1_048_576L < target) {
                    LIVE.add(new byte[1_048_576]);
                }
            }
        }

        @Override
        long slowly(long value) {
            for (int i = 0; i < 8; i++) {
                recent[next] = new byte[16_384];
                next = (next + 1) % RECENT;
            }
            return value + recent[next == 0 ? RECENT - 1 : next - 1].length;
        }
    }

    /** A client that takes one record every 2 ms from the sink's bounded queue. */
    static final BlockingQueue<Long> CLIENT_QUEUE = new ArrayBlockingQueue<>(16);
    private static Thread client;

    static synchronized void startClient() {
        if (client != null) {
            return;
        }
        client = new Thread(() -> {
            while (true) {
                try {
                    CLIENT_QUEUE.take();
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "queue-client");
        client.setDaemon(true);
        client.start();
    }

    /** Hands each record to {@link #CLIENT_QUEUE}, waiting while it is full: EXTERNAL_WAIT. */
    public static final class QueueSink extends FlinkLegacyApi.Sink<Long> {
        private static final long serialVersionUID = 1L;
        private transient boolean announced;

        @Override
        public void invoke(Long value) throws InterruptedException {
            if (!announced) {
                announced = true;
                startClient();
                announce(Cause.QUEUE);
            }
            CLIENT_QUEUE.put(value);
        }
    }

    /** Does nothing per record. */
    public static final class Discard extends FlinkLegacyApi.Sink<Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public void invoke(Long value) {
        }
    }
}

package dev.chokepoint.cli.testing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A host JVM whose threads look like a Flink TaskManager's to the agent: same thread group and
 * names, some threads parked in a "buffer request" ({@link BufferPool#requestBuffer}, named to the
 * agent with {@code frames=}), some idle, some helper threads that must not count. Reads commands
 * on stdin: {@code stop <thread name>} ends that thread; {@code start <thread name> blocked|idle|switchable}
 * starts one; {@code switch <thread name>} moves a switchable thread between idle and blocked;
 * {@code burn <n>} starts n threads (not task threads) that spin on the CPU until the JVM ends;
 * {@code jmx} creates the platform MBean server, as a host that uses JMX itself does;
 * {@code breakstderr} replaces {@code System.err} with a stream that throws on every line, as a host
 * whose stderr goes to a logging bridge that has been shut down.
 */
public final class FakeTaskApp {

    public static final String BUFFER_FRAME = BufferPool.class.getName() + "#requestBuffer";
    public static final String READY = "FAKE TASKS READY";

    private static final ThreadGroup TASK_THREADS = new ThreadGroup("Flink Task Threads");
    private static final Map<String, Thread> THREADS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicBoolean> SWITCHES = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        start("Source: Fake (1/2)#0", TASK_THREADS, false);
        start("Legacy Source Thread - Source: Fake (1/2)#0", TASK_THREADS, true);
        start("MapOp (1/2)#0", TASK_THREADS, true);
        start("MapOp (2/2)#0", TASK_THREADS, false);
        start("OutputFlusher for MapOp (1/2)#0", TASK_THREADS, true);
        start("Outside (1/1)#0", Thread.currentThread().getThreadGroup(), true);
        Thread sink = new Thread(TASK_THREADS, FakeTaskApp::work, "Sink: Busy (1/1)#0");
        sink.setDaemon(true);
        sink.start();
        THREADS.put(sink.getName(), sink);
        System.out.println(READY);

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith("stop ")) {
                Thread thread = THREADS.remove(line.substring(5));
                if (thread != null) {
                    thread.interrupt();
                    thread.join();
                    System.out.println("stopped " + thread.getName());
                }
            } else if (line.startsWith("cycle ")) {
                String[] parts = line.split(" ", 4);
                long on = Long.parseLong(parts[1]);
                long off = Long.parseLong(parts[2]);
                Thread thread = new Thread(TASK_THREADS, () -> cycle(on, off), parts[3]);
                thread.setDaemon(true);
                thread.start();
                THREADS.put(parts[3], thread);
                System.out.println("cycling " + parts[3]);
            } else if (line.startsWith("start ") && line.endsWith(" switchable")) {
                String name = line.substring(6, line.lastIndexOf(' '));
                AtomicBoolean blocked = new AtomicBoolean();
                SWITCHES.put(name, blocked);
                Thread thread = new Thread(TASK_THREADS, () -> switchable(blocked), name);
                thread.setDaemon(true);
                thread.start();
                THREADS.put(name, thread);
                System.out.println("started " + name);
            } else if (line.startsWith("start ")) {
                int space = line.lastIndexOf(' ');
                start(line.substring(6, space), TASK_THREADS, line.endsWith("blocked"));
                System.out.println("started " + line.substring(6, space));
            } else if (line.equals("breakstderr")) {
                System.setErr(new java.io.PrintStream(new java.io.ByteArrayOutputStream()) {
                    @Override
                    public void println(String x) {
                        throw new IllegalStateException("stderr is closed");
                    }
                });
                System.out.println("stderr broken");
            } else if (line.equals("jmx")) {
                java.lang.management.ManagementFactory.getPlatformMBeanServer();
                System.out.println("platform MBean server ready");
            } else if (line.startsWith("burn ")) {
                int n = Integer.parseInt(line.substring(5).trim());
                for (int i = 0; i < n; i++) {
                    Thread burner = new Thread(FakeTaskApp::burn, "burner-" + i);
                    burner.setDaemon(true);
                    burner.start();
                }
                System.out.println("burning " + n);
            } else if (line.startsWith("switch ")) {
                AtomicBoolean blocked = SWITCHES.get(line.substring(7));
                if (blocked != null) {
                    System.out.println("switched " + line.substring(7) + " to " + (!blocked.get() ? "blocked" : "idle"));
                    blocked.set(!blocked.get());
                }
            }
        }
        // stdin closed: the test is gone; so are we.
    }

    private static void start(String name, ThreadGroup group, boolean blocked) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        Thread thread = new Thread(group, () -> {
            started.countDown();
            if (blocked) {
                BufferPool.requestBuffer();
            } else {
                idle();
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        started.await();
        THREADS.put(name, thread);
    }

    /** Blocks in a buffer request while {@code blocked} is set, idles (outside any request) while not. */
    private static void switchable(AtomicBoolean blocked) {
        while (!Thread.currentThread().isInterrupted()) {
            if (blocked.get()) {
                BufferPool.requestBuffer(blocked);
            } else {
                LockSupport.parkNanos(5_000_000L);
            }
        }
    }

    /** Blocks in a buffer request for {@code onMillis}, then idles for {@code offMillis}, over and over, on its own clock. */
    private static void cycle(long onMillis, long offMillis) {
        long next = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            next += onMillis * 1_000_000L;
            BufferPool.requestBuffer(next);
            next += offMillis * 1_000_000L;
            while (System.nanoTime() < next && !Thread.currentThread().isInterrupted()) {
                LockSupport.parkNanos(Math.min(5_000_000L, Math.max(1L, next - System.nanoTime())));
            }
        }
    }

    /** Waits like an idle Flink task in its mailbox: parked, but not in a buffer request. */
    private static void idle() {
        while (!Thread.currentThread().isInterrupted()) {
            LockSupport.park();
        }
    }

    /** Alternates short bursts of work and sleeps, so it is mostly RUNNABLE or TIMED_WAITING outside any buffer request. */
    private static void work() {
        long sink = 0;
        while (!Thread.currentThread().isInterrupted()) {
            for (int i = 0; i < 100_000; i++) {
                sink += i * 31L;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                break;
            }
        }
        if (sink == 42) {
            System.out.println(sink);
        }
    }

    /** Keeps one core busy: never sleeps, never blocks. */
    private static void burn() {
        long x = 1;
        while (x != 0) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
    }

    /** Stands for a buffer pool: a thread in {@link #requestBuffer} waits until it is interrupted. */
    public static final class BufferPool {
        private BufferPool() {
        }

        public static void requestBuffer() {
            while (!Thread.currentThread().isInterrupted()) {
                LockSupport.park(BufferPool.class);
            }
        }

        /** Waits in here until {@code System.nanoTime()} reaches {@code untilNanos}. */
        public static void requestBuffer(long untilNanos) {
            while (System.nanoTime() < untilNanos && !Thread.currentThread().isInterrupted()) {
                LockSupport.parkNanos(BufferPool.class, Math.min(5_000_000L, Math.max(1L, untilNanos - System.nanoTime())));
            }
        }

        /** Waits in here while {@code blocked} is set. */
        public static void requestBuffer(AtomicBoolean blocked) {
            while (blocked.get() && !Thread.currentThread().isInterrupted()) {
                LockSupport.parkNanos(BufferPool.class, 5_000_000L);
            }
        }
    }
}

package dev.chokepoint.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one sampling tick of the real agent costs with N task threads, next to what Flink ≤1.9's
 * backpressure sampling ({@code Thread.getStackTrace()} on each task thread) and an unbounded
 * batched {@code ThreadMXBean.getThreadInfo(allIds, Integer.MAX_VALUE)} cost on the same threads.
 *
 * <p>Run in a JVM started with
 * {@code -javaagent:agent/target/chokepoint-agent.jar=frames=dev.chokepoint.bench.FakeBufferPool#requestBuffer}
 * (see the {@code bench} profile of this module). The agent's own tick time is read from its MBean
 * ({@code LastTickMicros}, once per tick); the baselines are timed here with {@link System#nanoTime}.
 * The agent's sampler cannot be paused, so it keeps ticking (every {@code delay}) while the
 * baselines run, and this harness polls the agent's MBean every few milliseconds while the agent is
 * measured: each side runs next to a little of the other.
 *
 * <p>Arguments: {@code --threads=16,256} {@code --ticks=200} (agent ticks read per N)
 * {@code --baseline-ticks=100} {@code --stack-depth=40} (frames of fake operator chain under each wait)
 * {@code --running=<n>} (RUNNABLE threads; default 1 on ≤2 CPUs, else 2) {@code --parallelism=16}
 * {@code --baseline-seconds=8} (time cap per baseline and N)
 * {@code --baseline-pause-ms=<agent delay>} (between two baseline ticks).
 */
public final class TickCostBenchmark {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** Lets the sampler record a tick's time after publishing its tick count (it does those in that order). */
    private static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int BASELINE_WARMUP_TICKS = 10;
    private static final int BASELINE_MIN_TICKS = 20;

    private final Options options;
    private final AgentProbe agent = new AgentProbe();
    private final ThreadMXBean threadMx = ManagementFactory.getThreadMXBean();
    private int windowTicks;
    private long delayMillis;
    /** Between two baseline ticks: the agent's delay unless told otherwise, as Flink ≤1.9 also sampled every 50 ms. */
    private long baselinePauseNanos;
    /** Results of the stack walks, kept so that the JIT cannot drop them. */
    private long sink;

    private TickCostBenchmark(Options options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("TickCostBenchmark: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(new TickCostBenchmark(options).run());
    }

    private int run() throws Exception {
        long started = System.nanoTime();
        if (!awaitAgent()) {
            System.err.println("TickCostBenchmark: no MBean " + AgentProbe.AGENT + " after 15 s. Run with "
                    + "-javaagent:agent/target/chokepoint-agent.jar=frames=" + FakeBufferPool.class.getName()
                    + "#requestBuffer (./mvnw -q -DskipTests -Pbench -pl src/bench -am verify).");
            return 2;
        }
        String config = agent.config();
        if (!config.contains(FakeBufferPool.class.getName() + "#requestBuffer")) {
            System.err.println("TickCostBenchmark: the agent does not know the fake buffer-wait frame (config: "
                    + config + "); start it with frames=" + FakeBufferPool.class.getName() + "#requestBuffer");
            return 2;
        }
        windowTicks = intSetting(config, "samples");
        delayMillis = intSetting(config, "delay");
        baselinePauseNanos = TimeUnit.MILLISECONDS.toNanos(
                options.baselinePauseMillis >= 0 ? options.baselinePauseMillis : delayMillis);

        int maxThreads = options.threads.stream().mapToInt(Integer::intValue).max().orElseThrow();
        progress("JIT warm-up: " + maxThreads + " threads for one window (" + windowTicks + " ticks)");
        warmUp(maxThreads);

        List<Result> results = new ArrayList<>();
        boolean verdictsOk = true;
        for (int n : options.threads) {
            Result result = measure(n);
            results.add(result);
            verdictsOk &= result.verdictsOk == n;
        }
        long errors = agent.errors();
        print(config, results, errors, (System.nanoTime() - started) / 1e9);
        if (!verdictsOk || errors != 0) {
            System.out.println();
            System.out.println("WARNING: the agent did not classify every fake thread as expected, or counted tick "
                    + "errors: the figures above may not describe a real tick.");
            return 1;
        }
        return 0;
    }

    private boolean awaitAgent() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!agent.present()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return true;
    }

    private void warmUp(int n) throws InterruptedException {
        try (FakeTaskThreads fake = startThreads(n)) {
            awaitTicksAfter(awaitTaskThreads(n), windowTicks);
            timeTicks(() -> getStackTraces(fake), 0, BASELINE_WARMUP_TICKS, 0);
            timeTicks(this::getAllThreadInfo, 0, BASELINE_WARMUP_TICKS, 0);
        }
    }

    private Result measure(int n) throws InterruptedException {
        try (FakeTaskThreads fake = startThreads(n)) {
            progress("N=" + n + ": waiting for the agent to see them, then one window (" + windowTicks + " ticks)");
            awaitTicksAfter(awaitTaskThreads(n), windowTicks);

            progress("N=" + n + ": reading LastTickMicros of " + options.ticks + " ticks");
            AgentTicks ours = readAgentTicks(n);
            // At least two windows were read, so the published window lies wholly within them.
            double agentP99 = agent.tickP99Micros();
            double agentMax = agent.tickMaxMicros();
            int verdictsOk = checkVerdicts(fake, agent.levels());

            long budget = TimeUnit.SECONDS.toNanos(options.baselineSeconds);
            progress("N=" + n + ": baseline Thread.getStackTrace() per thread");
            Percentiles stackTraces = timeTicks(() -> getStackTraces(fake), BASELINE_WARMUP_TICKS,
                    options.baselineTicks, budget);
            progress("N=" + n + ": baseline ThreadMXBean.getThreadInfo(allIds, Integer.MAX_VALUE)");
            Percentiles threadInfos = timeTicks(this::getAllThreadInfo, BASELINE_WARMUP_TICKS,
                    options.baselineTicks, budget);

            int frames = fake.threads().get(0).getStackTrace().length;
            return new Result(n, fake.count(FakeTaskThreads.Role.BLOCKED_ON_BUFFER),
                    fake.count(FakeTaskThreads.Role.RUNNING), threadMx.getThreadCount(), frames,
                    ours.micros, ours.missed, agentP99, agentMax, verdictsOk, stackTraces, threadInfos);
        }
    }

    private FakeTaskThreads startThreads(int n) throws InterruptedException {
        int running = Math.min(options.running, n / 2);
        FakeTaskThreads fake = FakeTaskThreads.start(n, running, options.parallelism, options.stackDepth);
        try {
            fake.awaitSettled(30, TimeUnit.SECONDS);
        } catch (RuntimeException | InterruptedException e) {
            fake.close();
            throw e;
        }
        return fake;
    }

    /** Waits for a tick that saw exactly {@code n} task threads and returns its number. */
    private long awaitTaskThreads(int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            long tick = agent.ticks();
            if (agent.taskThreads() == n && agent.ticks() == tick) {
                return tick;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the agent sees " + agent.taskThreads() + " task threads, not " + n);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    private void awaitTicksAfter(long tick, int ticks) {
        long deadline = System.nanoTime() + tickTimeoutNanos(ticks);
        while (agent.ticks() < tick + ticks) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the agent did not tick " + ticks + " times in time");
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    private long tickTimeoutNanos(int ticks) {
        return TimeUnit.MILLISECONDS.toNanos(ticks * delayMillis * 3 + 30_000);
    }

    /** Reads the agent's LastTickMicros once per new tick, until {@code options.ticks} ticks are read. */
    private AgentTicks readAgentTicks(int n) {
        double[] micros = new double[options.ticks];
        int read = 0;
        long missed = 0;
        long last = agent.ticks();
        long deadline = System.nanoTime() + tickTimeoutNanos(options.ticks);
        while (read < micros.length) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("read only " + read + " agent ticks in time");
            }
            LockSupport.parkNanos(POLL_NANOS);
            long now = agent.ticks();
            if (now == last) {
                continue;
            }
            missed += now - last - 1;
            LockSupport.parkNanos(SETTLE_NANOS);
            double value = agent.lastTickMicros();
            int seen = agent.taskThreads();
            long after = agent.ticks();
            if (after == now && seen == n) {
                micros[read++] = value;
            } else {
                missed += 1; // another tick ended meanwhile: the time read may be either one's
            }
            last = after;
        }
        return new AgentTicks(Percentiles.of(micros), missed);
    }

    /** How many fake threads the agent reports as expected: HIGH for the blocked ones, OK for the others. */
    private static int checkVerdicts(FakeTaskThreads fake, Map<String, String> levels) {
        int ok = 0;
        for (FakeTaskThreads.FakeTaskThread t : fake.threads()) {
            String expected = t.role() == FakeTaskThreads.Role.BLOCKED_ON_BUFFER ? "HIGH" : "OK";
            if (expected.equals(levels.get(t.getName()))) {
                ok++;
            }
        }
        return ok;
    }

    /** Flink ≤1.9: {@code Thread.getStackTrace()} on each task thread, one after the other, unbounded. */
    private long getStackTraces(FakeTaskThreads fake) {
        long frames = 0;
        for (Thread t : fake.threads()) {
            frames += t.getStackTrace().length;
        }
        return frames;
    }

    /** Every thread of the JVM, in one batched call, at unbounded depth. */
    private long getAllThreadInfo() {
        long frames = 0;
        for (ThreadInfo info : threadMx.getThreadInfo(threadMx.getAllThreadIds(), Integer.MAX_VALUE)) {
            if (info != null) {
                frames += info.getStackTrace().length;
            }
        }
        return frames;
    }

    /** Times up to {@code ticks} runs of {@code tick} after {@code warmup} untimed ones, within {@code budgetNanos} (0: no cap). */
    private Percentiles timeTicks(LongSupplier tick, int warmup, int ticks, long budgetNanos) {
        for (int i = 0; i < warmup; i++) {
            sink += tick.getAsLong();
            LockSupport.parkNanos(baselinePauseNanos);
        }
        double[] micros = new double[ticks];
        int n = 0;
        long deadline = System.nanoTime() + budgetNanos;
        while (n < ticks && (budgetNanos == 0 || n < BASELINE_MIN_TICKS || System.nanoTime() - deadline < 0)) {
            long start = System.nanoTime();
            sink += tick.getAsLong();
            long end = System.nanoTime();
            micros[n++] = (end - start) / 1000.0;
            LockSupport.parkNanos(baselinePauseNanos);
        }
        return Percentiles.of(Arrays.copyOf(micros, n));
    }

    private void print(String config, List<Result> results, long errors, double seconds) {
        System.out.println();
        System.out.println("## Cost of one sampling tick");
        System.out.println();
        System.out.println("- JDK: " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name")
                + ", " + System.getProperty("java.vendor") + "), GC: " + gcNames() + ", max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
        System.out.println("- CPUs: nproc " + nproc() + ", availableProcessors " + Runtime.getRuntime().availableProcessors()
                + "; " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        System.out.println("- Agent " + agent.version() + ": " + config);
        Result first = results.get(0);
        System.out.println("- Fake task threads: half parked in FakeBufferPool.requestBuffer (LockSupport.park), the others "
                + "parked in FakeMailbox.take (Condition.await), " + first.running + " of those RUNNABLE doing light work; "
                + "each under an operator chain of " + options.stackDepth + " frames (" + first.frames
                + " frames in a blocked thread's stack)");
        System.out.println("- Ours: the agent's LastTickMicros, read once per tick for " + options.ticks
                + " ticks per N, after one window of warm-up; agent p99 = its TickP99Micros over its last full window");
        System.out.println("- Baselines: timed here, up to " + options.baselineTicks + " ticks (or " + options.baselineSeconds
                + " s) per N after " + BASELINE_WARMUP_TICKS + " warm-up ticks, " + baselinePauseNanos / 1_000_000
                + " ms apart; the agent's sampler keeps ticking meanwhile (it cannot be paused)");
        System.out.println();
        System.out.println("| N | ours median µs/tick | ours p99 µs/tick | ours µs/thread | getStackTrace() median µs/tick "
                + "| ratio | getThreadInfo(all, ∞) median µs/tick | ratio |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            double ours = r.ours.median();
            System.out.println("| " + r.n
                    + " | " + f1(ours)
                    + " | " + f1(r.ours.at(99))
                    + " | " + f2(ours / r.n)
                    + " | " + f1(r.stackTraces.median())
                    + " | " + ratio(r.stackTraces.median() / ours)
                    + " | " + f1(r.threadInfos.median())
                    + " | " + ratio(r.threadInfos.median() / ours) + " |");
        }
        System.out.println();
        System.out.println("| N | blocked / RUNNABLE | JVM threads | ours ticks read (missed) | ours p90 | agent TickP99Micros "
                + "| agent TickMaxMicros | getStackTrace() p99 (ticks) | getStackTrace() µs/thread "
                + "| getThreadInfo(all, ∞) p99 (ticks) | agent verdicts as expected |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            System.out.println("| " + r.n
                    + " | " + r.blocked + " / " + r.running
                    + " | " + r.jvmThreads
                    + " | " + r.ours.count() + " (" + r.missed + ")"
                    + " | " + f1(r.ours.at(90))
                    + " | " + f1(r.agentP99)
                    + " | " + f1(r.agentMax)
                    + " | " + f1(r.stackTraces.at(99)) + " (" + r.stackTraces.count() + ")"
                    + " | " + f2(r.stackTraces.median() / r.n)
                    + " | " + f1(r.threadInfos.at(99)) + " (" + r.threadInfos.count() + ")"
                    + " | " + r.verdictsOk + "/" + r.n + " |");
        }
        System.out.println();
        System.out.println("Ratio = baseline median / ours median. Sampling errors: " + errors
                + ". Run time: " + String.format(Locale.ROOT, "%.0f", seconds) + " s.");
    }

    private static int intSetting(String config, String key) {
        Matcher m = Pattern.compile("(?:^|,)" + key + "=(\\d+)").matcher(config);
        if (!m.find()) {
            throw new IllegalStateException("no " + key + " in the agent's config: " + config);
        }
        return Integer.parseInt(m.group(1));
    }

    private static String gcNames() {
        List<String> names = new ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            names.add(gc.getName());
        }
        return String.join(" + ", names);
    }

    private static String nproc() {
        try {
            Process p = new ProcessBuilder("nproc").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "n/a";
        } catch (IOException | InterruptedException e) {
            return "n/a";
        }
    }

    private static void progress(String message) {
        System.err.println("[bench] " + message);
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String ratio(double v) {
        return String.format(Locale.ROOT, "%.1f×", v);
    }

    private record AgentTicks(Percentiles micros, long missed) {
    }

    private record Result(int n, int blocked, int running, int jvmThreads, int frames, Percentiles ours, long missed,
                          double agentP99, double agentMax, int verdictsOk, Percentiles stackTraces,
                          Percentiles threadInfos) {
    }

    /** The command-line arguments. */
    record Options(List<Integer> threads, int ticks, int baselineTicks, int stackDepth, int running, int parallelism,
                   int baselineSeconds, int baselinePauseMillis) {

        static Options parse(String[] args) {
            List<Integer> threads = List.of(16, 256);
            int ticks = 200;
            int baselineTicks = 100;
            int stackDepth = 40;
            int running = Runtime.getRuntime().availableProcessors() <= 2 ? 1 : 2;
            int parallelism = 16;
            int baselineSeconds = 8;
            int baselinePauseMillis = -1;
            for (String arg : args) {
                int eq = arg.indexOf('=');
                if (!arg.startsWith("--") || eq < 0) {
                    throw new IllegalArgumentException("expected --name=value, got " + arg);
                }
                String name = arg.substring(2, eq);
                String value = arg.substring(eq + 1);
                switch (name) {
                    case "threads" -> {
                        List<Integer> list = new ArrayList<>();
                        for (String part : value.split(",")) {
                            list.add(positive(name, part.trim()));
                        }
                        threads = List.copyOf(list);
                    }
                    case "ticks" -> ticks = positive(name, value);
                    case "baseline-ticks" -> baselineTicks = positive(name, value);
                    case "stack-depth" -> stackDepth = positive(name, value);
                    case "running" -> running = atLeast(name, value, 0);
                    case "parallelism" -> parallelism = positive(name, value);
                    case "baseline-seconds" -> baselineSeconds = positive(name, value);
                    case "baseline-pause-ms" -> baselinePauseMillis = atLeast(name, value, 0);
                    default -> throw new IllegalArgumentException("unknown argument " + arg);
                }
            }
            return new Options(threads, ticks, baselineTicks, stackDepth, running, parallelism, baselineSeconds,
                    baselinePauseMillis);
        }

        private static int positive(String name, String value) {
            return atLeast(name, value, 1);
        }

        private static int atLeast(String name, String value, int min) {
            try {
                int n = Integer.parseInt(value);
                if (n >= min) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new IllegalArgumentException("--" + name + " expects a whole number >= " + min + ", got " + value);
        }
    }
}

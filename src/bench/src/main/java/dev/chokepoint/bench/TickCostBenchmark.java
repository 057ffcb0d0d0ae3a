package dev.chokepoint.bench;

import dev.chokepoint.api.BackPressureLevel;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one sampling tick of the real agent costs with N task threads, in three configurations, next to
 * what Flink ≤1.9's backpressure sampling ({@code Thread.getStackTrace()} on each task thread) and an
 * unbounded batched {@code ThreadMXBean.getThreadInfo(allIds, Integer.MAX_VALUE)} cost on the same threads.
 *
 * <p>The blocked fake threads wait as Flink 1.12+ does, in {@code LocalBufferPool.requestBufferBuilderBlocking}
 * ({@code CompletableFuture.get()}; a stand-in with Flink's names and shape, so the agent's buffer-request
 * instrumentation rewrites its wait as it would Flink's), the idle ones in {@code Condition.await} (as
 * Flink's mailbox). Per N, the agent is measured:
 * <ol>
 * <li><b>defaults</b>: its settings as started ({@code --agent-args}, by default none), so
 *     {@code instrument=true} and no {@code frames=}. A blocked thread is inside the instrumented wait,
 *     which the agent knows without a stack walk; an idle one is parked on a {@code Condition}, settled
 *     without a walk too; the RUNNABLE one by its state. No thread is walked.</li>
 * <li><b>instrument=false</b>: the agent reconfigured through its MBean operation {@code reconfigure(String)}
 *     with the same settings plus {@code instrument=false}: the rewritten wait only waits, so the blocked
 *     threads are found by a stack walk (Flink's built-in frames). Only they are walked.</li>
 * <li><b>user frames + instrument=false</b>: the same plus {@code frames=<--user-frames>}, a frame no
 *     thread is in. Any {@code frames=} turns the Condition shortcut off, so every waiting thread is
 *     walked (the worst case); the blocked threads are still recognized by the built-in frames.</li>
 * </ol>
 * Each configuration gets threads of its own, started after the agent applied it: whether a thread is
 * timed is decided when it enters its wait, and the fake threads never leave theirs.
 *
 * <p>Run in a JVM started with {@code -javaagent:agent/target/chokepoint-agent.jar} (see the {@code bench}
 * profile of this module), with {@code --agent-args} equal to the agent's argument. The agent's own tick
 * time is read from its MBean ({@code LastTickMicros}, once per tick); the baselines are timed here with
 * {@link System#nanoTime}, once per N (they do not depend on the agent's settings), on the threads of the
 * defaults configuration while the agent runs with it. The agent's sampler cannot be paused, so it keeps
 * ticking (every {@code delay}) while the baselines run, and this harness polls the agent's MBean every few
 * milliseconds while the agent is measured: each side runs next to a little of the other.
 *
 * <p>Arguments: {@code --threads=16,256} {@code --ticks=200} (agent ticks read per N and configuration)
 * {@code --baseline-ticks=100} {@code --stack-depth=40} (frames of fake operator chain under each wait)
 * {@code --running=<n>} (RUNNABLE threads; default 1 on ≤2 CPUs, else 2) {@code --parallelism=16}
 * {@code --baseline-seconds=8} (time cap per baseline and N)
 * {@code --baseline-pause-ms=<agent delay>} (between two baseline ticks)
 * {@code --agent-args=} (the agent's argument as started; must have no {@code frames=} and leave
 * {@code instrument} on) {@code --user-frames=dev.chokepoint.bench.NoSuchClass#userFrame} (the frames of
 * configuration 3) {@code --vm-log=<file>} (where this JVM logs its safepoints and handshakes, for the pause
 * figures; default a temporary file).
 */
public final class TickCostBenchmark {

    static final String DEFAULT_USER_FRAMES = "dev.chokepoint.bench.NoSuchClass#userFrame";
    private static final String STACK_TRACES = "getStackTrace() per thread";
    private static final String THREAD_INFOS = "getThreadInfo(all, ∞)";

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** Lets the sampler record a tick's time after publishing its tick count (it does those in that order). */
    private static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** How often to look again when LastTickMicros still shows the previous tick's time (the sampler was slow to record). */
    private static final int STALE_RETRIES = 50;
    private static final int BASELINE_WARMUP_TICKS = 10;
    private static final int BASELINE_MIN_TICKS = 20;
    private static final Pattern NO_FRAMES = Pattern.compile("(?:^|,)frames=(?:,|$)");
    private static final Pattern INSTRUMENTED = Pattern.compile("(?:^|,)instrument=true(?:,|$)");
    /** What the Agent MBean's Instrumentation says when it times the stand-in's wait. */
    static final String TIMED_WAIT = "LocalBufferPool.requestMemorySegmentBlocking: CompletableFuture.get()";

    /** The three configurations the agent is measured in, in the order they are measured. */
    enum Mode {
        DEFAULTS("defaults"),
        NO_INSTRUMENT("instrument=false"),
        USER_FRAMES("user frames, instrument=false");

        final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    private final Options options;
    private final AgentProbe agent = new AgentProbe();
    private final ThreadMXBean threadMx = ManagementFactory.getThreadMXBean();
    private final Map<Mode, String> arguments = new EnumMap<>(Mode.class);
    private final Map<Mode, String> configs = new EnumMap<>(Mode.class);
    private int windowTicks;
    private long delayMillis;
    /** Between two baseline ticks: the agent's delay unless told otherwise, as Flink ≤1.9 also sampled every 50 ms. */
    private long baselinePauseNanos;
    /** Results of the stack walks, kept so that the JIT cannot drop them. */
    private long sink;
    /** Where this JVM logs its safepoints and handshakes; null when it could not be started. */
    private Path vmLog;
    private String vmLogProblem;

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
                    + "-javaagent:agent/target/chokepoint-agent.jar (./mvnw -q -DskipTests -Pbench -pl src/bench -am verify).");
            return 2;
        }
        String config = agent.config();
        if (!NO_FRAMES.matcher(config).find() || !INSTRUMENTED.matcher(config).find()) {
            System.err.println("TickCostBenchmark: the agent was started with frames= or instrument=false (config: "
                    + config + "); the defaults configuration needs the agent's built-in frames and its instrumentation");
            return 2;
        }
        String prefix = options.agentArgs.isBlank() ? "" : options.agentArgs + ",";
        arguments.put(Mode.DEFAULTS, options.agentArgs);
        arguments.put(Mode.NO_INSTRUMENT, prefix + "instrument=false");
        arguments.put(Mode.USER_FRAMES, prefix + "instrument=false,frames=" + options.userFrames);
        for (Mode mode : new Mode[] {Mode.USER_FRAMES, Mode.NO_INSTRUMENT, Mode.DEFAULTS}) { // ends as started
            String effective = agent.reconfigure(arguments.get(mode));
            if (effective.startsWith("error")) {
                System.err.println("TickCostBenchmark: the agent refuses the " + mode.label + " settings '"
                        + arguments.get(mode) + "': " + effective);
                return 2;
            }
            configs.put(mode, effective);
        }
        if (!configs.get(Mode.DEFAULTS).equals(config)) {
            System.err.println("TickCostBenchmark: --agent-args=" + options.agentArgs + " gives " + configs.get(Mode.DEFAULTS)
                    + ", but the agent was started with " + config + ": pass the -javaagent argument as --agent-args");
            return 2;
        }
        windowTicks = intSetting(config, "samples");
        delayMillis = intSetting(config, "delay");
        baselinePauseNanos = TimeUnit.MILLISECONDS.toNanos(
                options.baselinePauseMillis >= 0 ? options.baselinePauseMillis : delayMillis);

        startVmLog();
        int maxThreads = options.threads.stream().mapToInt(Integer::intValue).max().orElseThrow();
        progress("JIT warm-up: " + maxThreads + " threads for one window (" + windowTicks + " ticks) in each configuration");
        warmUp(maxThreads);

        List<Result> results = new ArrayList<>();
        boolean asExpected = true;
        for (int n : options.threads) {
            Result result = measure(n);
            results.add(result);
            for (ModeResult m : result.modes) {
                asExpected &= m.verdictsOk == n && m.walked.median() == m.expectedWalked && m.instrumentationOk;
            }
        }
        long errors = agent.errors();
        long instrumentationErrors = agent.instrumentationErrors();
        Map<String, TickPauses> pauses = readPauses(results);
        print(config, results, errors, instrumentationErrors, (System.nanoTime() - started) / 1e9);
        printPauses(results, pauses);
        if (!asExpected || errors != 0 || instrumentationErrors != 0) {
            System.out.println();
            System.out.println("WARNING: the agent did not classify every fake thread as expected, walked another number "
                    + "of threads than its configuration should, did not time the blocked threads' wait with its "
                    + "defaults, or counted tick or instrumentation errors: the figures above may not describe a real tick.");
            return 1;
        }
        return 0;
    }

    private void startVmLog() {
        try {
            vmLog = options.vmLog.isEmpty() ? Files.createTempFile("tick-cost-vmops-", ".log") : Path.of(options.vmLog);
            VmOperationLog.start(vmLog);
            progress("logging safepoints and handshakes to " + vmLog.toAbsolutePath());
        } catch (IOException | RuntimeException e) {
            vmLogProblem = e.toString();
            vmLog = null;
            progress("no pause figures: " + vmLogProblem);
        }
    }

    /** The pauses of each phase (see {@link #phase}), read from the VM log once every phase is over. */
    private Map<String, TickPauses> readPauses(List<Result> results) {
        Map<String, TickPauses> pauses = new java.util.HashMap<>();
        if (vmLog == null) {
            return pauses;
        }
        List<VmOperationLog.Operation> operations;
        try {
            operations = VmOperationLog.read(vmLog);
        } catch (IOException e) {
            vmLogProblem = "cannot read " + vmLog + ": " + e;
            return pauses;
        }
        for (Result r : results) {
            for (ModeResult m : r.modes) {
                pauses.put(phase(r.n, m.mode.label), m.windows.attribute(operations));
            }
            pauses.put(phase(r.n, STACK_TRACES), r.stackTraceWindows.attribute(operations));
            pauses.put(phase(r.n, THREAD_INFOS), r.threadInfoWindows.attribute(operations));
        }
        return pauses;
    }

    private static String phase(int n, String api) {
        return n + "/" + api;
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
        for (Mode mode : new Mode[] {Mode.USER_FRAMES, Mode.NO_INSTRUMENT, Mode.DEFAULTS}) { // ends as started
            long applied = apply(mode);
            try (FakeTaskThreads fake = startThreads(n)) {
                awaitTicksAfter(Math.max(applied, awaitTaskThreads(n)), windowTicks);
                if (mode == Mode.DEFAULTS) {
                    timeTicks(() -> getStackTraces(fake), 0, BASELINE_WARMUP_TICKS, 0);
                    timeTicks(this::getAllThreadInfo, 0, BASELINE_WARMUP_TICKS, 0);
                }
            }
        }
    }

    /**
     * Measures the agent in each configuration, each on threads of its own started after the agent applied
     * it (a thread is timed or not from the moment it enters its wait, and these never leave it), and the
     * baselines once, on the defaults configuration's threads.
     */
    private Result measure(int n) throws InterruptedException {
        List<ModeResult> modes = new ArrayList<>();
        Timed stackTraces = null;
        Timed threadInfos = null;
        int blocked = 0;
        int idle = 0;
        int running = 0;
        int jvmThreads = 0;
        int frames = 0;
        try {
            for (Mode mode : Mode.values()) {
                long applied = apply(mode);
                try (FakeTaskThreads fake = startThreads(n)) {
                    progress("N=" + n + ", " + mode.label + ": waiting for the agent to see them, then one window ("
                            + windowTicks + " ticks)");
                    awaitTicksAfter(Math.max(applied, awaitTaskThreads(n)), windowTicks);
                    modes.add(measureAgent(fake, n, mode));

                    if (mode == Mode.DEFAULTS) {
                        long budget = TimeUnit.SECONDS.toNanos(options.baselineSeconds);
                        progress("N=" + n + ": baseline Thread.getStackTrace() per thread");
                        stackTraces = timeTicks(() -> getStackTraces(fake), BASELINE_WARMUP_TICKS,
                                options.baselineTicks, budget);
                        progress("N=" + n + ": baseline ThreadMXBean.getThreadInfo(allIds, Integer.MAX_VALUE)");
                        threadInfos = timeTicks(this::getAllThreadInfo, BASELINE_WARMUP_TICKS,
                                options.baselineTicks, budget);
                        blocked = fake.count(FakeTaskThreads.Role.BLOCKED_ON_BUFFER);
                        idle = fake.count(FakeTaskThreads.Role.IDLE_IN_MAILBOX);
                        running = fake.count(FakeTaskThreads.Role.RUNNING);
                        jvmThreads = threadMx.getThreadCount();
                        frames = fake.threads().get(0).getStackTrace().length;
                    }
                }
            }
        } finally {
            apply(Mode.DEFAULTS);
        }
        return new Result(n, blocked, idle, running, jvmThreads, frames, List.copyOf(modes), stackTraces.micros(),
                threadInfos.micros(), stackTraces.windows(), threadInfos.windows());
    }

    /**
     * Reads {@code options.ticks} agent ticks in the current configuration, then the agent's own figures,
     * verdicts and instrumentation status.
     */
    private ModeResult measureAgent(FakeTaskThreads fake, int n, Mode mode) {
        progress("N=" + n + ", " + mode.label + ": reading LastTickMicros of " + options.ticks + " ticks");
        AgentTicks ours = readAgentTicks(n);
        // At least two windows were read, so the published window lies wholly within them.
        double agentP99 = agent.tickP99Micros();
        double agentMax = agent.tickMaxMicros();
        int verdictsOk = checkVerdicts(fake, agent.levels());
        String instrumentation = agent.instrumentation();
        int timedThreads = agent.timedThreads();
        int blocked = fake.count(FakeTaskThreads.Role.BLOCKED_ON_BUFFER);
        int expectedWalked = switch (mode) {
            case DEFAULTS -> 0;
            case NO_INSTRUMENT -> blocked;
            case USER_FRAMES -> n - fake.count(FakeTaskThreads.Role.RUNNING);
        };
        // With its defaults the agent must be timing the stand-in's wait, with every blocked thread in it.
        boolean instrumentationOk = mode != Mode.DEFAULTS
                || (instrumentation.startsWith("timing ") && instrumentation.contains(TIMED_WAIT) && timedThreads >= blocked);
        return new ModeResult(mode, ours.micros, ours.cpuMicrosPerTick, ours.cpuOfOneTick, ours.parkMicros, ours.walked,
                expectedWalked, ours.missed, agentP99, agentMax, verdictsOk, instrumentation, timedThreads, instrumentationOk, ours.windows);
    }

    /**
     * Reconfigures the agent for {@code mode} and waits until it runs with those settings. Returns the
     * agent's tick count then: the ticks after it ran with them.
     */
    private long apply(Mode mode) {
        String effective = configs.get(mode);
        if (!agent.config().equals(effective)) {
            String taken = agent.reconfigure(arguments.get(mode));
            if (!taken.equals(effective)) {
                throw new IllegalStateException("the agent took " + arguments.get(mode) + " as " + taken);
            }
        }
        long deadline = System.nanoTime() + tickTimeoutNanos(2);
        while (!agent.config().equals(effective)) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the agent did not apply " + effective + " in time");
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        return agent.ticks();
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

    /**
     * Reads the agent's LastTickMicros and WalkedThreads once per new tick, until {@code options.ticks}
     * ticks are read.
     */
    private AgentTicks readAgentTicks(int n) {
        double[] micros = new double[options.ticks];
        double[] walked = new double[options.ticks];
        int read = 0;
        long missed = 0;
        // When the last poll that still saw the previous tick count started: the next tick was published later.
        long oldPollStart = System.nanoTime();
        long last = agent.ticks();
        long firstTick = last;
        long firstCpu = agent.samplerCpuNanos();
        double lastValue = agent.lastTickMicros();
        // The sampler's CPU time at each read: between the reads after two consecutive ticks lies one
        // tick (and its park). Their median is an ordinary tick's cost; the mean above it is the
        // periodic ticks' (hot-frame reads, CPU checkpoints, history steps).
        double[] cpuOfOneTick = new double[options.ticks];
        int cpuTicks = 0;
        long previousReadCpu = -1;
        long previousReadTick = -1;
        // The tick after `last` may have been under way already: its window will be dropped.
        TickWindows windows = new TickWindows(System.nanoTime());
        long deadline = System.nanoTime() + tickTimeoutNanos(options.ticks);
        ParkControl control = ParkControl.start(delayMillis);
        while (read < micros.length) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("read only " + read + " agent ticks in time");
            }
            LockSupport.parkNanos(POLL_NANOS);
            long pollStart = System.nanoTime();
            long now = agent.ticks();
            long seenAt = System.nanoTime();
            if (now == last) {
                oldPollStart = pollStart;
                continue;
            }
            missed += now - last - 1;
            LockSupport.parkNanos(SETTLE_NANOS);
            double value = agent.lastTickMicros();
            // Still the previous tick's time (nanosecond times are hardly ever equal): the sampler was
            // descheduled between publishing the tick and recording its time, which makes that tick a
            // slow one; dropping it would bias the figures low.
            for (int retry = 0; value == lastValue && retry < STALE_RETRIES && agent.ticks() == now; retry++) {
                LockSupport.parkNanos(SETTLE_NANOS);
                value = agent.lastTickMicros();
            }
            int walks = agent.walkedThreads();
            int seen = agent.taskThreads();
            long afterPollStart = System.nanoTime();
            long after = agent.ticks();
            long afterSeenAt = System.nanoTime();
            // Tick `now` was published after oldPollStart and before seenAt, and took `value` µs up to its
            // publication (it publishes, then stops its clock): all it did lies within the window. Without its
            // own time (stale, or maybe the next tick's), or with more ticks since, where they began is not
            // known: the window reaches back to the previous one, and both are dropped.
            boolean timed = now - last == 1 && after == now && value != lastValue;
            if (timed) {
                windows.add(oldPollStart - (long) Math.ceil(value * 1000), seenAt, 1);
            } else {
                windows.addUnbounded(seenAt);
            }
            if (after != now) {
                windows.addUnbounded(afterSeenAt);
            }
            oldPollStart = afterPollStart;
            long readCpu = agent.samplerCpuNanos();
            if (after == now && previousReadTick == now - 1 && previousReadCpu >= 0 && readCpu >= 0
                    && cpuTicks < cpuOfOneTick.length) {
                cpuOfOneTick[cpuTicks++] = (readCpu - previousReadCpu) / 1000.0;
            }
            previousReadTick = after == now ? now : -1;
            previousReadCpu = readCpu;
            if (after == now && seen == n) {
                micros[read] = value;
                walked[read] = walks;
                read++;
            } else {
                missed += 1; // another tick ended meanwhile: the figures read may be either one's
            }
            last = after;
            lastValue = value;
        }
        // CPU, not wall time: what the sampler costs the machine, whatever else the machine runs meanwhile
        long cpu = agent.samplerCpuNanos();
        long ticks = agent.ticks() - firstTick;
        double parkMicros = control.cpuMicrosPerPark();
        control.close();
        double cpuMicrosPerTick = cpu < 0 || firstCpu < 0 || ticks <= 0 ? Double.NaN : (cpu - firstCpu) / 1000.0 / ticks;
        return new AgentTicks(Percentiles.of(micros), Percentiles.of(walked), missed, cpuMicrosPerTick,
                Percentiles.of(Arrays.copyOf(cpuOfOneTick, cpuTicks)), parkMicros, windows.build());
    }

    /** How many fake threads the agent reports as expected: HIGH for the blocked ones, OK for the others. */
    private static int checkVerdicts(FakeTaskThreads fake, Map<String, String> levels) {
        int ok = 0;
        for (FakeTaskThreads.FakeTaskThread t : fake.threads()) {
            String expected = t.role() == FakeTaskThreads.Role.BLOCKED_ON_BUFFER ? BackPressureLevel.HIGH.name() : BackPressureLevel.OK.name();
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

    /**
     * Times up to {@code ticks} runs of {@code tick} after {@code warmup} untimed ones, within {@code budgetNanos}
     * (0: no cap). Each timed tick's window for the pause figures runs from its start to the next one's.
     */
    private Timed timeTicks(LongSupplier tick, int warmup, int ticks, long budgetNanos) {
        for (int i = 0; i < warmup; i++) {
            sink += tick.getAsLong();
            LockSupport.parkNanos(baselinePauseNanos);
        }
        double[] micros = new double[ticks];
        TickWindows windows = new TickWindows(System.nanoTime());
        int n = 0;
        long deadline = System.nanoTime() + budgetNanos;
        long previous = 0;
        while (n < ticks && (budgetNanos == 0 || n < BASELINE_MIN_TICKS || System.nanoTime() - deadline < 0)) {
            long start = System.nanoTime();
            if (n > 0) {
                windows.add(previous, start, 1);
            }
            previous = start;
            sink += tick.getAsLong();
            long end = System.nanoTime();
            micros[n++] = (end - start) / 1000.0;
            LockSupport.parkNanos(baselinePauseNanos);
        }
        if (n > 0) {
            windows.add(previous, System.nanoTime(), 1);
        }
        return new Timed(Percentiles.of(Arrays.copyOf(micros, n)), windows.build());
    }

    private void print(String config, List<Result> results, long errors, long instrumentationErrors, double seconds) {
        System.out.println();
        System.out.println("## Cost of one sampling tick");
        System.out.println();
        System.out.println("- JDK: " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name")
                + ", " + System.getProperty("java.vendor") + "), GC: " + gcNames() + ", max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
        System.out.println("- CPUs: nproc " + nproc() + ", availableProcessors " + Runtime.getRuntime().availableProcessors()
                + "; " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        System.out.println("- Agent " + agent.version());
        Result first = results.get(0);
        System.out.println("  - defaults: started with `" + (options.agentArgs.isEmpty() ? "(no argument)" : options.agentArgs)
                + "`: " + configs.get(Mode.DEFAULTS) + ". A blocked thread is inside the instrumented wait and an idle one "
                + "parked on a Condition, so neither is walked. Instrumentation: " + first.mode(Mode.DEFAULTS).instrumentation);
        System.out.println("  - instrument=false: reconfigure(\"" + arguments.get(Mode.NO_INSTRUMENT) + "\"): "
                + configs.get(Mode.NO_INSTRUMENT) + ". The rewritten wait only waits: the blocked threads are found by a "
                + "stack walk (built-in frames). Instrumentation: " + first.mode(Mode.NO_INSTRUMENT).instrumentation);
        System.out.println("  - user frames, instrument=false: reconfigure(\"" + arguments.get(Mode.USER_FRAMES) + "\"): "
                + configs.get(Mode.USER_FRAMES) + ". No thread is in " + options.userFrames + "; any frames= turns the "
                + "Condition shortcut off, so every waiting thread is walked (the worst case); the blocked ones still "
                + "match the built-in frames");
        System.out.println("  - each configuration on threads of its own, started after the agent applied it");
        System.out.println("- Fake task threads: half in the stand-in org.apache.flink.runtime.io.network.buffer."
                + "LocalBufferPool.requestBufferBuilderBlocking → requestMemorySegmentBlocking → CompletableFuture.get() "
                + "(Flink 1.12+), the others in FakeMailbox.take → Condition.await (as TaskMailboxImpl.take), "
                + first.running + " of those RUNNABLE doing light work; each under an operator chain of "
                + options.stackDepth + " frames (" + first.frames + " frames in a blocked thread's stack)");
        System.out.println("- Ours: the agent's LastTickMicros and WalkedThreads, read once per tick for " + options.ticks
                + " ticks per N and configuration, after one window of " + windowTicks + " ticks in that configuration; "
                + "agent p99 = its TickP99Micros over its last full window");
        System.out.println("- Baselines: timed here once per N, on the defaults configuration's threads with the agent on "
                + "defaults, up to " + options.baselineTicks
                + " ticks (or " + options.baselineSeconds + " s) after " + BASELINE_WARMUP_TICKS + " warm-up ticks, "
                + baselinePauseNanos / 1_000_000 + " ms apart; the agent's sampler keeps ticking meanwhile (it cannot be paused)");
        System.out.println();
        System.out.println("| N | agent configuration | WalkedThreads | ours median µs/tick | ours p99 µs/tick | ours µs/thread "
                + "| ours CPU µs/tick | CPU % of one core | ours CPU µs, median tick | getStackTrace() median µs/tick | ratio "
                + "| getThreadInfo(all, ∞) median µs/tick | ratio | a bare park's CPU µs (control thread) |");
        System.out.println("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            for (ModeResult m : r.modes) {
                double ours = m.ours.median();
                System.out.println("| " + r.n
                        + " | " + m.mode.label
                        + " | " + walkedText(m.walked)
                        + " | " + f1(ours)
                        + " | " + f1(m.ours.at(99))
                        + " | " + f2(ours / r.n)
                        + " | " + f1(m.cpuMicrosPerTick)
                        + " | " + f2(100.0 * m.cpuMicrosPerTick / (delayMillis * 1000.0))
                        + " | " + (m.cpuOfOneTick.count() == 0 ? "n/a" : f1(m.cpuOfOneTick.median()))
                        + " | " + f1(r.stackTraces.median())
                        + " | " + ratio(r.stackTraces.median() / ours)
                        + " | " + f1(r.threadInfos.median())
                        + " | " + ratio(r.threadInfos.median() / ours)
                        + " | " + f1(m.parkMicros) + " |");
            }
        }
        System.out.println();
        System.out.println("| N | agent configuration | blocked / idle / RUNNABLE | JVM threads | ours ticks read (missed) | ours p90 "
                + "| agent TickP99Micros | agent TickMaxMicros | ours µs/walked thread | WalkedThreads min–max (expected) "
                + "| TimedThreads | agent verdicts as expected |");
        System.out.println("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            for (ModeResult m : r.modes) {
                System.out.println("| " + r.n
                        + " | " + m.mode.label
                        + " | " + r.blocked + " / " + r.idle + " / " + r.running
                        + " | " + r.jvmThreads
                        + " | " + m.ours.count() + " (" + m.missed + ")"
                        + " | " + f1(m.ours.at(90))
                        + " | " + f1(m.agentP99)
                        + " | " + f1(m.agentMax)
                        + " | " + (m.walked.median() > 0 ? f2(m.ours.median() / m.walked.median()) : "n/a")
                        + " | " + (long) m.walked.at(0) + "–" + (long) m.walked.at(100) + " (" + m.expectedWalked + ")"
                        + " | " + m.timedThreads + (m.mode == Mode.DEFAULTS ? (m.instrumentationOk ? " (≥ " : " (NOT ≥ ")
                                + r.blocked + ")" : "")
                        + " | " + m.verdictsOk + "/" + r.n + " |");
            }
        }
        System.out.println();
        System.out.println("| N | getStackTrace() p99 µs (ticks) | getStackTrace() µs/thread | getThreadInfo(all, ∞) p99 µs (ticks) |");
        System.out.println("|---:|---:|---:|---:|");
        for (Result r : results) {
            System.out.println("| " + r.n
                    + " | " + f1(r.stackTraces.at(99)) + " (" + r.stackTraces.count() + ")"
                    + " | " + f2(r.stackTraces.median() / r.n)
                    + " | " + f1(r.threadInfos.at(99)) + " (" + r.threadInfos.count() + ") |");
        }
        System.out.println();
        System.out.println("Ours CPU = the agent's SamplerCpuTimeNanos over the ticks read, per tick: what the sampler "
                + "costs, unlike the wall times not inflated when the machine is busy; % of one core at the agent's delay. "
                + "Median tick = the median of the sampler's CPU time between the reads after two consecutive ticks "
                + "(one tick and its park): an ordinary tick; the mean above it is the periodic ticks' (hot-frame reads "
                + "every 0.5 s, CPU checkpoints and history steps every second). "
                + "A bare park = the CPU time of a thread of the harness that only parks for the agent's delay, again "
                + "and again while the ticks are read: what the sampler's park at the end of each tick costs on this "
                + "machine in the same minute, not work of the agent's. "
                + "Ratio = baseline median / ours median (the same baseline for every configuration of an N). "
                + "WalkedThreads = the agent's median over the ticks read. TimedThreads = the agent's count of threads "
                + "seen in an instrumented wait, after the ticks were read (with instrument=false it still holds earlier "
                + "threads until it forgets the ended ones). Sampling errors: " + errors
                + ". Instrumentation errors: " + instrumentationErrors + ". Run time: " + String.format(Locale.ROOT, "%.0f", seconds) + " s.");
    }

    /**
     * The pauses each phase's ticks imposed, from this JVM's log of safepoints and handshakes: for a
     * safepoint every Java thread, for a handshake only the thread it targets.
     */
    private void printPauses(List<Result> results, Map<String, TickPauses> pauses) {
        System.out.println();
        System.out.println("## Pause of the target threads");
        System.out.println();
        if (vmLog == null || pauses.isEmpty()) {
            System.out.println("Not measured: " + vmLogProblem);
            return;
        }
        System.out.println("- From this JVM's unified log (" + VmOperationLog.WHAT + ", decorators " + VmOperationLog.DECORATORS
                + ", started through the DiagnosticCommand MBean as `jcmd VM.log` would): " + vmLog.toAbsolutePath());
        System.out.println("- Each phase (an API at an N) has one window of time per tick: for ours, from the start of the last "
                + "poll that still saw the previous SamplingTicks, less the tick's LastTickMicros, to the poll that saw the "
                + "new count (a window of 2+ ticks, without the tick's own time, or overlapping the next one is dropped); "
                + "for a baseline, from the start of a tick to the start of the next. An operation belongs to the window "
                + "its start (log time − duration) falls in; sampling operations in dropped windows or between windows are "
                + "counted as unattributed");
        System.out.println("- Safepoint: every Java thread is stopped (or, if parked or in native code, kept from "
                + "returning to Java) from the time it reaches the safepoint to its end; stopped = the log's Total "
                + "(time to safepoint + the rest: cleanup, the operation, leaving), summed over a tick's safepoints. "
                + "Handshake: only the thread it targets is held, while the operation runs on its behalf "
                + "(`Operation: … completed in`); the requester's wait (`Total completion time`) is not a pause of "
                + "the target. GC and VM housekeeping operations are not a tick's doing: listed, not counted");
        System.out.println();
        System.out.println("| N | API | ticks (dropped windows, unattributed operations) | VM operations per tick | safepoints per tick p50 / max "
                + "| stopped µs per tick p50 | stopped max | time to safepoint µs p50 | at safepoint µs p50 "
                + "| handshakes per tick p50 / max | handshake hold per target µs p50 / max | not counted |");
        System.out.println("|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|");
        for (Result r : results) {
            for (ModeResult m : r.modes) {
                printPauseRow(r.n, "ours, " + m.mode.label, pauses.get(phase(r.n, m.mode.label)));
            }
            printPauseRow(r.n, STACK_TRACES, pauses.get(phase(r.n, STACK_TRACES)));
            printPauseRow(r.n, THREAD_INFOS, pauses.get(phase(r.n, THREAD_INFOS)));
        }
        System.out.println();
        for (Result r : results) {
            List<String> ours = new ArrayList<>();
            for (ModeResult m : r.modes) {
                TickPauses p = pauses.get(phase(r.n, m.mode.label));
                ours.add(m.mode.label + " " + f1(p.stoppedMicros.median()) + " / " + f1(p.stoppedMicros.max()) + " µs");
            }
            System.out.println("- N=" + r.n + ": all threads stopped per tick of ours, p50 / max: " + String.join("; ", ours)
                    + " (issue 6 aims at ≤ 1000 µs for one tick at N=256)");
        }
    }

    private static void printPauseRow(int n, String api, TickPauses p) {
        System.out.println("| " + n
                + " | " + api
                + " | " + p.ticks + " (" + p.dropped + ", " + p.unattributed + ")"
                + " | " + perTick(p.counted, p.ticks)
                + " | " + count(p.safepoints.median()) + " / " + count(p.safepoints.max())
                + " | " + f1(p.stoppedMicros.median())
                + " | " + f1(p.stoppedMicros.max())
                + " | " + f1(p.reachMicros.median())
                + " | " + f1(p.atMicros.median())
                + " | " + count(p.handshakes.median()) + " / " + count(p.handshakes.max())
                + " | " + f1(p.handshakeTargetMicros.median()) + " / " + f1(p.handshakeTargetMicros.max())
                + " | " + (p.notCounted.isEmpty() ? "none" : times(p.notCounted)) + " |");
    }

    /** {@code safepoint ThreadDump 1.00} per name: how many a tick had on average. */
    private static String perTick(Map<String, Integer> names, int ticks) {
        if (names.isEmpty()) {
            return "none";
        }
        List<String> out = new ArrayList<>();
        names.forEach((name, count) -> out.add(name + " " + f2(ticks == 0 ? Double.NaN : (double) count / ticks)));
        return String.join(", ", out);
    }

    private static String times(Map<String, Integer> names) {
        List<String> out = new ArrayList<>();
        names.forEach((name, count) -> out.add(name + " ×" + count));
        return String.join(", ", out);
    }

    private static String count(double v) {
        return Double.isNaN(v) ? "n/a" : String.valueOf((long) v);
    }

    private static String walkedText(Percentiles walked) {
        return String.valueOf((long) walked.median());
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

    private record AgentTicks(Percentiles micros, Percentiles walked, long missed, double cpuMicrosPerTick,
                              Percentiles cpuOfOneTick, double parkMicros, TickWindows.Windows windows) {
    }

    private record Timed(Percentiles micros, TickWindows.Windows windows) {
    }

    private record ModeResult(Mode mode, Percentiles ours, double cpuMicrosPerTick, Percentiles cpuOfOneTick,
                              double parkMicros, Percentiles walked,
                              int expectedWalked, long missed,
                              double agentP99, double agentMax, int verdictsOk, String instrumentation,
                              int timedThreads, boolean instrumentationOk, TickWindows.Windows windows) {
    }

    private record Result(int n, int blocked, int idle, int running, int jvmThreads, int frames, List<ModeResult> modes,
                          Percentiles stackTraces, Percentiles threadInfos, TickWindows.Windows stackTraceWindows,
                          TickWindows.Windows threadInfoWindows) {

        ModeResult mode(Mode mode) {
            for (ModeResult m : modes) {
                if (m.mode == mode) {
                    return m;
                }
            }
            throw new IllegalArgumentException(mode.name());
        }
    }

    /** The command-line arguments. */
    record Options(List<Integer> threads, int ticks, int baselineTicks, int stackDepth, int running, int parallelism,
                   int baselineSeconds, int baselinePauseMillis, String agentArgs, String userFrames, String vmLog) {

        static Options parse(String[] args) {
            List<Integer> threads = List.of(16, 256);
            int ticks = 200;
            int baselineTicks = 100;
            int stackDepth = 40;
            int running = Runtime.getRuntime().availableProcessors() <= 2 ? 1 : 2;
            int parallelism = 16;
            int baselineSeconds = 8;
            int baselinePauseMillis = -1;
            String agentArgs = "";
            String userFrames = DEFAULT_USER_FRAMES;
            String vmLog = "";
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
                    case "agent-args" -> agentArgs = value.trim();
                    case "user-frames" -> {
                        if (value.isBlank()) {
                            throw new IllegalArgumentException("--user-frames expects Class#method[;Class#method...]");
                        }
                        userFrames = value.trim();
                    }
                    case "vm-log" -> vmLog = value.trim();
                    default -> throw new IllegalArgumentException("unknown argument " + arg);
                }
            }
            return new Options(threads, ticks, baselineTicks, stackDepth, running, parallelism, baselineSeconds,
                    baselinePauseMillis, agentArgs, userFrames, vmLog);
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

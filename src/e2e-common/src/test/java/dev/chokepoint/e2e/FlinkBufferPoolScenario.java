package dev.chokepoint.e2e;

import dev.chokepoint.api.AgentAttributes;
import dev.chokepoint.api.BackPressureLevel;
import dev.chokepoint.api.ObjectNames;
import dev.chokepoint.api.TaskAttributes;
import dev.chokepoint.cli.jmx.ChokepointReader;
import dev.chokepoint.cli.jmx.LocalJmxConnection;
import dev.chokepoint.cli.jmx.TaskSnapshot;
import dev.chokepoint.cli.testing.JavaProcess;
import dev.chokepoint.cli.testing.LocalJvm;
import dev.chokepoint.e2e.FlinkMetricsOracle.TaskMetrics;
import org.junit.jupiter.api.Test;

import javax.management.AttributeChangeNotification;
import javax.management.MBeanServerConnection;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static dev.chokepoint.e2e.FlinkBackpressureScenario.seconds;
import static dev.chokepoint.e2e.FlinkBackpressureScenario.threadDump;
import static dev.chokepoint.e2e.FlinkMetricsOracle.BACK_PRESSURED_MS;
import static dev.chokepoint.e2e.FlinkMetricsOracle.EXCLUSIVE_USAGE;
import static dev.chokepoint.e2e.FlinkMetricsOracle.FLOATING_USAGE;
import static dev.chokepoint.e2e.FlinkMetricsOracle.HARD_BACK_PRESSURED_MS;
import static dev.chokepoint.e2e.FlinkMetricsOracle.IDLE_MS;
import static dev.chokepoint.e2e.FlinkMetricsOracle.IN_POOL_USAGE;
import static dev.chokepoint.e2e.FlinkMetricsOracle.IS_BACK_PRESSURED;
import static dev.chokepoint.e2e.FlinkMetricsOracle.OUT_POOL_USAGE;
import static dev.chokepoint.e2e.FlinkMetricsOracle.SOFT_BACK_PRESSURED_MS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The agent's buffer-pool view of a real Flink job against <b>Flink's own metrics</b>, read in the
 * same child JVM, over the same JMX connection, in the same poll ({@link FlinkMetricsOracle}).
 *
 * <p>Each scenario runs {@link BackpressureJob} in a child JVM with Flink's JMX reporter, waits
 * until both views have warmed up (the agent's window is full and Flink's verdict is the one the
 * scenario is built to produce), then takes {@link #PAIRED_READS} paired reads:
 * <ul>
 *   <li>in <i>every</i> read, the agent's levels are the expected ones and its own contract holds
 *       (hard + soft + idle + busy = 1, BackPressureRatio = hard + soft, NaN where a pool does not
 *       exist, HIGH subtasks HIGH for the expected kind of backpressure);</li>
 *   <li>in at least {@link #AGREEMENT} of the reads of each subtask, each compared value agrees
 *       with Flink's: the level, the usages within {@link #TOLERANCE}, and where the version has
 *       them, the kind of backpressure (soft/hard) and the hard backpressure time. Not every read:
 *       both sides are instantaneous reads of pools that the job keeps changing, taken a few
 *       milliseconds apart.</li>
 *   <li>on Flink 1.16+, the busy and idle shares over two windows agree with Flink's accumulated
 *       busy and idle time over the same span ({@link FlinkTimeShares}) within
 *       {@link #BUSY_TOLERANCE} in at least {@link #AGREEMENT} of the scenario's paired reads
 *       (counted over all subtasks together: only the reads after two full windows have them).</li>
 * </ul>
 * A module's subclass says how its Flink version states backpressure ({@link #flinkLevel}).
 */
public abstract class FlinkBufferPoolScenario {

    /** Agreement of a usage (0..1) with Flink's. */
    static final double TOLERANCE = 0.05;
    /** Share of paired reads of a subtask in which each value must agree with Flink's. */
    static final double AGREEMENT = 0.95;
    /** 40 reads: the {@link #AGREEMENT} rule then tolerates 2 disagreements per value and subtask. */
    static final int PAIRED_READS = 40;
    static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    static final Duration JOB_START_TIMEOUT = Duration.ofSeconds(60);
    static final Duration WARM_UP_TIMEOUT = Duration.ofSeconds(60);
    static final Duration NOTIFICATION_TIMEOUT = Duration.ofSeconds(15);
    /** Window of the agent's default configuration. */
    static final int FULL_WINDOW = 100;
    /** Flink's level thresholds (every version), also the agent's defaults: ratio ≤ LOW is OK, ≤ HIGH is LOW. */
    static final double LOW_THRESHOLD = 0.10;
    static final double HIGH_THRESHOLD = 0.5;
    /** Slack of the agent's ratio identities: one sample of a full window, read between two ticks. */
    static final double RATIO_SLACK = 0.015;
    /** Agreement of the agent's BackPressureRatio with Flink's ratio, where this version has one. */
    static final double RATIO_TOLERANCE = 0.1;
    /** Busy and idle shares, ours against Flink's over two windows (see {@link FlinkTimeShares}). */
    static final double BUSY_TOLERANCE = 0.1;
    static final int SHARE_WINDOWS = 2;
    /** Compared for the scenario as a whole: each subtask has only the reads after two full windows. */
    static final Set<String> SCENARIO_WIDE = new HashSet<>(Arrays.asList("busy share", "idle share"));

    static final String OK = BackPressureLevel.OK.name();
    static final String LOW = BackPressureLevel.LOW.name();
    static final String HIGH = BackPressureLevel.HIGH.name();
    static final String SOFT = "soft";
    static final String HARD = "hard";

    /** Extra flags the child JVM needs to run this Flink version on the test's JDK; none by default. */
    protected List<String> childJvmArgs() {
        return Collections.emptyList();
    }

    /**
     * This Flink version's verdict on a subtask, in the agent's terms (OK/LOW/HIGH), or
     * {@code null} while it has none yet.
     */
    protected abstract String flinkLevel(TaskMetrics flink);

    /** {@code soft} or {@code hard} where this version tells them apart (1.15+), else {@code null}. */
    protected String flinkKind(TaskMetrics flink) {
        return null;
    }

    /**
     * This version's backpressure ratio of a subtask (0..1), compared with the agent's
     * BackPressureRatio; NaN where it has none.
     */
    protected double flinkRatio(TaskMetrics flink) {
        return Double.NaN;
    }

    /**
     * Whether this version's verdict is read from Flink's REST backpressure monitor
     * ({@link FlinkRestBackPressure}, into the same {@link TaskMetrics}) as well as from its metrics.
     */
    protected boolean readsRestBackPressure() {
        return false;
    }

    /**
     * What judges a subtask without the agent's Flink metrics in {@code chokepoint status --rest} on
     * this version, for the scenarios that check it ({@link RestStatusCheck}): {@code flink} (its own
     * backpressured time, 1.13+) or {@code none}; {@code null}: not checked on this version.
     */
    protected String restJudgedBy() {
        return null;
    }

    /** Whether this version's REST API names each subtask's TaskManager ({@code taskmanager-id}, 1.12+). */
    protected boolean restTellsTaskManagers() {
        return true;
    }

    /**
     * Whether this version has FLIP-27 sources ({@code fromSequence}, 1.12+). Without them the
     * backpressured jobs start from the legacy source, and the FLIP-27 scenario is skipped.
     */
    protected boolean hasFlip27Sources() {
        return true;
    }

    /**
     * Whether Flink registers {@code inputFloatingBuffersUsage}/{@code inputExclusiveBuffersUsage}
     * for every task with an input (1.10+); 1.9 only with credit-based flow control, i.e. only with
     * Netty between TaskManagers.
     */
    protected boolean creditBasedGaugesAlways() {
        return true;
    }

    /**
     * Whether a thread waiting in an instrumented buffer request has the agent's bridge frame above
     * Flink's request method (1.10+: the wait call is replaced), which tells instrumented code from
     * Flink's original; ≤1.9 the wait is only surrounded with timing calls, so no frame tells them apart.
     */
    protected boolean bridgeFrameInBufferWaits() {
        return true;
    }

    /**
     * How a task with an input waits when its output is full: {@code soft} from 1.10 on (it parks
     * in its mailbox), {@code hard} up to 1.9 (it waits inside the buffer request).
     */
    protected String fullOutputKind() {
        return SOFT;
    }

    /**
     * Flink 1.15+'s verdict: {@code backPressuredTimeMsPerSecond} = soft + hard, the ratio its REST
     * endpoint maps through the level thresholds (ratio = ms / 1000); {@code null} without the gauge.
     */
    protected static String levelByBackPressuredTime(TaskMetrics flink) {
        if (!flink.has(BACK_PRESSURED_MS)) {
            return null;
        }
        return level(flink.number(BACK_PRESSURED_MS) / 1000);
    }

    /** Flink 1.15+'s kind: whichever of {@code soft}/{@code hardBackPressuredTimeMsPerSecond} is larger. */
    protected static String kindBySoftHardTime(TaskMetrics flink) {
        if (!flink.has(SOFT_BACK_PRESSURED_MS) || !flink.has(HARD_BACK_PRESSURED_MS)) {
            return null;
        }
        return flink.number(HARD_BACK_PRESSURED_MS) > flink.number(SOFT_BACK_PRESSURED_MS) ? HARD : SOFT;
    }

    // ---------------------------------------------------------------------------------------------
    // The scenarios

    /** FLIP-27 source → map → keyBy → slow sink: source and map soft-backpressured (HIGH), sink OK. */
    @Test
    void sequenceSourceUpstreamOfASlowSinkAgreesWithFlink() throws Exception {
        assumeTrue(hasFlip27Sources(), getClass().getSimpleName() + ": this Flink version has no FLIP-27 source");
        run(backpressuredJob("sequence-slow-sink", Load.JAVAAGENT).checkNotifications().checkFlinkMetrics());
    }

    /** Slow source → map → keyBy → fast sink: nothing is backpressured; map and sink idle. */
    @Test
    void idleJobIsOkAndFlinkAgrees() throws Exception {
        // With a user frame (one no thread is in) every waiting thread's stack is read, the mailbox
        // waits too: the idle tasks must still read as idle, and no user frame may count as a buffer
        // request where there is none.
        run(new Scenario("idle", Load.JAVAAGENT, "source=slow", "sink=fast")
                .agentArgs("frames=dev.chokepoint.e2e.NoSuchClass#noSuchFrame")
                .expect(BackpressureJob.SLOW_SOURCE_VERTEX, OK, null)
                .expect(BackpressureJob.MAP_VERTEX, OK, null)
                .expect(BackpressureJob.FAST_SINK_VERTEX, OK, null)
                .idle(BackpressureJob.MAP_VERTEX, BackpressureJob.FAST_SINK_VERTEX));
    }

    /**
     * The job of {@link #sequenceSourceUpstreamOfASlowSinkAgreesWithFlink} on two TaskManagers of one slot:
     * the keyBy crosses the network, so the sinks' input gates hold remote channels with exclusive
     * and floating buffers (with one TaskManager every channel is local and all input usages are 0).
     */
    @Test
    void inputBuffersAcrossTwoTaskManagersAgreeWithFlink() throws Exception {
        // Also the whole job through the REST API (issue 13): the two TaskManagers' subtasks in one report.
        run(backpressuredJob("two-taskmanagers", Load.JAVAAGENT, "taskmanagers=2")
                .remoteInput(BackpressureJob.SINK_VERTEX)
                .restStatus(BackpressureJob.SINK_VERTEX, 2));
    }

    /** The agent loaded into the running job (attach API) must see the pools that already exist. */
    @Test
    void agentAttachedToTheRunningJobGivesTheSameAnswers() throws Exception {
        run(backpressuredJob("attached", Load.ATTACH_AFTER_START).checkFlinkMetrics());
    }

    /**
     * The legacy source's thread blocks in a buffer request (hard backpressure); the map waits as
     * its version does ({@link #fullOutputKind}). The instrumented blocking time must match Flink's
     * where it has one.
     */
    @Test
    void legacySourceIsHardBackpressuredAndFlinkAgrees() throws Exception {
        run(new Scenario("legacy-source", Load.JAVAAGENT, "source=legacy")
                .detachAndReattach()
                .checkFlinkMetrics()
                .expect(BackpressureJob.SOURCE_VERTEX, HIGH, HARD)
                .expect(BackpressureJob.MAP_VERTEX, HIGH, fullOutputKind())
                .expect(BackpressureJob.SINK_VERTEX, OK, null));
    }

    /**
     * Key skew (issue 5, scenario 4): the keyBy spreads the keys over both sink subtasks, but only
     * sink subtask 0 is slow. Every map subtask feeds subtask 0, so every map subtask (and through it
     * every source subtask) is backpressured by its channels to subtask 0 alone, while its channels
     * to subtask 1 stay empty: source and map HIGH, the slow sink subtask OK and busy (it is the
     * bottleneck), the fast one OK and mostly idle. On two TaskManagers, so that the channels are
     * remote and Flink's input gauges tell them apart: subtask 0's input buffers are full, subtask 1's
     * nearly empty.
     */
    @Test
    void keySkewBackpressuresEveryUpstreamSubtaskAndFlinkAgrees() throws Exception {
        String sink = BackpressureJob.SKEWED_SINK_VERTEX;
        int slow = BackpressureJob.SkewedSink.SLOW_SUBTASK;
        // Without the agent's figures in Flink's metrics (flinkMetrics=false), status --rest must
        // judge from Flink's own metrics, or say that it cannot and how to add the agent.
        run(backpressuredJob("key-skew", Load.JAVAAGENT, "sink=skewed", "taskmanagers=2")
                .agentArgs("flinkMetrics=false")
                .restStatus(sink, 2)
                .expect(sink, OK, null)
                .busy(sink, slow)
                .idle(sink, 1 - slow)
                .inputBacklog(sink, slow, true)
                .inputBacklog(sink, 1 - slow, false));
    }

    /**
     * Source → map → keyBy → the sink {@code extraArgs} choose (default the slow one): source and
     * map HIGH. The source is the FLIP-27 sequence where the version has it (its task parks in the
     * mailbox: soft), else the legacy source (its thread waits in the buffer request: hard).
     */
    private Scenario backpressuredJob(String name, Load load, String... extraArgs) {
        boolean flip27 = hasFlip27Sources();
        List<String> args = new ArrayList<>(Collections.singletonList(flip27 ? "source=sequence" : "source=legacy"));
        args.addAll(Arrays.asList(extraArgs));
        Scenario scenario = new Scenario(name, load, args.toArray(new String[0]))
                .expect(flip27 ? BackpressureJob.SEQUENCE_SOURCE_VERTEX : BackpressureJob.SOURCE_VERTEX, HIGH,
                        flip27 ? SOFT : HARD)
                .expect(BackpressureJob.MAP_VERTEX, HIGH, fullOutputKind());
        if (args.stream().noneMatch(arg -> arg.startsWith("sink="))) {
            scenario.expect(BackpressureJob.SINK_VERTEX, OK, null);
        }
        return scenario;
    }

    // ---------------------------------------------------------------------------------------------
    // Running one scenario

    enum Load { JAVAAGENT, ATTACH_AFTER_START }

    /** One job, how the agent gets in, and what both views must show. */
    static final class Scenario {
        final String name;
        final Load load;
        final List<String> jobArgs;
        /** vertex → expected level (every subtask). */
        final Map<String, String> levels = new LinkedHashMap<>();
        /** vertex → kind of backpressure that makes it HIGH ({@code soft}/{@code hard}). */
        final Map<String, String> kinds = new LinkedHashMap<>();
        final Set<String> idle = new LinkedHashSet<>();
        final Set<String> remoteInput = new LinkedHashSet<>();
        /** Subtasks ({@link FlinkMetricsOracle#key}) that must be mostly busy / mostly idle, in both views. */
        final Set<String> busySubtasks = new LinkedHashSet<>();
        final Set<String> idleSubtasks = new LinkedHashSet<>();
        /** Subtask key → whether Flink must see its input buffers mostly full ({@code true}) or mostly free. */
        final Map<String, Boolean> inputBacklog = new LinkedHashMap<>();
        boolean notifications;
        boolean detachAndReattach;
        /** Also check {@code status --rest} ({@link RestStatusCheck}): the origin it must name, and the TaskManagers. */
        boolean restStatus;
        String restOrigin;
        int restTaskManagers;
        boolean flinkMetrics;
        /** The agent's argument at start (empty: its defaults). */
        String agentArgs = "";

        Scenario(String name, Load load, String... jobArgs) {
            this.name = name;
            this.load = load;
            this.jobArgs = new ArrayList<>(Arrays.asList(jobArgs));
            this.jobArgs.add("flinkJmx=true");
        }

        Scenario expect(String vertex, String level, String kind) {
            levels.put(vertex, level);
            if (kind != null) {
                kinds.put(vertex, kind);
            }
            return this;
        }

        Scenario agentArgs(String arguments) {
            agentArgs = arguments;
            return this;
        }

        /** Vertices that must be mostly idle (waiting for input), in both views. */
        Scenario idle(String... vertices) {
            idle.addAll(Arrays.asList(vertices));
            return this;
        }

        /** One subtask that must be mostly busy (running its own code), in both views. */
        Scenario busy(String vertex, int subtask) {
            busySubtasks.add(FlinkMetricsOracle.key(vertex, subtask));
            return this;
        }

        /** One subtask that must be mostly idle (waiting for input), in both views. */
        Scenario idle(String vertex, int subtask) {
            idleSubtasks.add(FlinkMetricsOracle.key(vertex, subtask));
            return this;
        }

        /**
         * Flink must see the input buffers of one subtask mostly in use ({@code full}: its remote
         * channels hold a backlog) or mostly free; the agent's usages must agree with Flink's anyway.
         */
        Scenario inputBacklog(String vertex, int subtask, boolean full) {
            inputBacklog.put(FlinkMetricsOracle.key(vertex, subtask), full);
            return this;
        }

        /** Vertices whose input crosses the network: Flink must see input buffers in use. */
        Scenario remoteInput(String... vertices) {
            remoteInput.addAll(Arrays.asList(vertices));
            return this;
        }

        /**
         * Then detach the agent (Flink's original code back, no MBean left) and attach it again; the
         * scenario needs a thread that waits in a buffer request (hard backpressure).
         */
        Scenario detachAndReattach() {
            detachAndReattach = true;
            return this;
        }

        Scenario restStatus(String origin, int taskManagers) {
            restStatus = true;
            restOrigin = origin;
            restTaskManagers = taskManagers;
            return this;
        }

        /**
         * Also check that Flink's own metric system (its JMX reporter, and its REST API where the
         * scenario reads it) carries the agent's figures of every subtask, equal to the Task MBeans';
         * with {@link #detachAndReattach}, that they read NaN while detached and live again after.
         */
        Scenario checkFlinkMetrics() {
            flinkMetrics = true;
            return this;
        }

        /** Also check the BackPressureLevel change notifications (by moving the thresholds). */
        Scenario checkNotifications() {
            notifications = true;
            return this;
        }

        boolean isSource(String vertex) {
            return vertex.startsWith("Source: ");
        }

        boolean isSink(String vertex) {
            return vertex.startsWith("Sink: ");
        }
    }

    /** One paired read: the agent's subtasks and Flink's, keyed alike ({@link FlinkMetricsOracle#key}). */
    static final class Poll {
        final double at;
        final Map<String, TaskSnapshot> ours;
        final Map<String, TaskMetrics> flink;

        Poll(double at, Map<String, TaskSnapshot> ours, Map<String, TaskMetrics> flink) {
            this.at = at;
            this.ours = ours;
            this.flink = flink;
        }
    }

    private void run(Scenario scenario) throws Exception {
        String label = getClass().getSimpleName() + " " + scenario.name;
        List<String> jvmArgs = new ArrayList<>(Collections.singletonList("-Xmx1g"));
        jvmArgs.addAll(childJvmArgs());
        if ((scenario.load == Load.ATTACH_AFTER_START || scenario.detachAndReattach)
                && JavaProcess.javaFeatureVersion() >= 21) {
            jvmArgs.add("-XX:+EnableDynamicAgentLoading"); // JDK 21+ warns about dynamically loaded agents
        }
        List<String> jobArgs = new ArrayList<>(scenario.jobArgs);
        boolean restStatus = scenario.restStatus && restJudgedBy() != null;
        int restPort = readsRestBackPressure() || restStatus ? freePort() : -1;
        if (restPort > 0) {
            jobArgs.add("restPort=" + restPort);
        }
        FlinkRestBackPressure rest = readsRestBackPressure() ? new FlinkRestBackPressure(LOOPBACK, restPort) : null;
        JavaProcess.Builder builder = JavaProcess.builder(BackpressureJob.class.getName())
                .jvmArgs(jvmArgs.toArray(new String[0]))
                .args(jobArgs.toArray(new String[0]))
                .logName(getClass().getSimpleName() + "-" + scenario.name);
        if (scenario.load == Load.JAVAAGENT) {
            builder.javaagent(scenario.agentArgs);
        }
        long start = System.nanoTime();
        AtomicReference<Poll> last = new AtomicReference<>();
        FlinkTimeShares shares = new FlinkTimeShares(FULL_WINDOW * 50L, FULL_WINDOW, SHARE_WINDOWS, BUSY_TOLERANCE);
        try (JavaProcess child = builder.start()) {
            System.out.printf("[%s] child JVM %d (%s), log %s%n", label, child.pid(), jobArgs, child.log());
            try {
                child.awaitOutput(BackpressureJob.SINK_RECEIVING + " 0", JOB_START_TIMEOUT);
                child.awaitOutput(BackpressureJob.SINK_RECEIVING + " 1", JOB_START_TIMEOUT);
                System.out.printf("[%s] job running after %.1f s%n", label, seconds(start));
                if (scenario.load == Load.ATTACH_AFTER_START) {
                    LocalJvm.loadAgent(child.pid(), JavaProcess.agentJar().toString(), "");
                    System.out.printf("[%s] agent attached after %.1f s%n", label, seconds(start));
                }
                try (LocalJmxConnection jmx = LocalJvm.connect(child.pid())) {
                    ChokepointReader reader = new ChokepointReader(jmx.mbeans());
                    FlinkMetricsOracle oracle = new FlinkMetricsOracle(jmx.mbeans());
                    assertTrue(reader.agentLoaded(), ObjectNames.AGENT + " is not registered in the child JVM");
                    System.out.printf("[%s] agent %s, %s%n", label, reader.agentAttribute(AgentAttributes.VERSION).orElse("?"),
                            reader.agentAttribute(AgentAttributes.CONFIG).orElse("?"));

                    await(label + ": warm-up: both views complete, the agent's windows full, both at the expected levels")
                            .atMost(WARM_UP_TIMEOUT)
                            .pollDelay(Duration.ZERO)
                            .pollInterval(Duration.ofMillis(500))
                            .untilAsserted(() -> {
                                Poll poll = poll(reader, oracle, rest, shares, start, last);
                                System.out.printf("[%s] warm-up %5.1f s%n%s", label, poll.at, table(scenario, poll));
                                assertComplete(scenario, poll);
                                assertOwnContract(scenario, poll);
                                assertFlinkAsDesigned(scenario, poll);
                            });
                    System.out.printf("[%s] warmed up after %.1f s; %d paired reads follow%n", label, seconds(start),
                            PAIRED_READS);

                    // Every read must satisfy the agent's own contract: the first violation ends the reads.
                    List<Poll> polls = new ArrayList<>();
                    AtomicReference<Throwable> violation = new AtomicReference<>();
                    await(label + ": " + PAIRED_READS + " paired reads")
                            .atMost(POLL_INTERVAL.multipliedBy(PAIRED_READS * 3L).plusSeconds(10))
                            .pollDelay(POLL_INTERVAL)
                            .pollInterval(POLL_INTERVAL)
                            .until(() -> {
                                Poll poll = poll(reader, oracle, rest, shares, start, last);
                                System.out.printf("[%s] read %d at %5.1f s%n%s", label, polls.size() + 1, poll.at,
                                        table(scenario, poll));
                                try {
                                    assertComplete(scenario, poll);
                                    assertOwnContract(scenario, poll);
                                } catch (AssertionError e) {
                                    violation.set(e);
                                    return true;
                                }
                                polls.add(poll);
                                return polls.size() >= PAIRED_READS;
                            });
                    if (violation.get() != null) {
                        throw new AssertionError("read " + (polls.size() + 1) + " after the warm-up: "
                                + violation.get().getMessage(), violation.get());
                    }
                    assertAgreement(scenario, polls);
                    System.out.printf("[%s] the agent agrees with Flink after %.1f s%n", label, seconds(start));

                    if (restStatus) {
                        // The agent publishes its figures into Flink's metrics unless told not to; then
                        // the REST mode judges as it does for a TaskManager without the agent.
                        String judge = scenario.agentArgs.contains("flinkMetrics=false")
                                ? restJudgedBy() : TaskSnapshot.Placement.BY_AGENT;
                        RestStatusCheck.check(label, restPort, scenario.levels, scenario.restOrigin, judge,
                                restTellsTaskManagers() ? scenario.restTaskManagers : 0);
                        System.out.printf("[%s] status --rest agrees after %.1f s%n", label, seconds(start));
                    }

                    FlinkChokepointMetrics chokepoint = null;
                    if (scenario.flinkMetrics) {
                        chokepoint = new FlinkChokepointMetrics(jmx.mbeans(), reader);
                        chokepoint.assertAgreesWithTheAgent(label, subtaskKeys(scenario));
                        if (rest != null) {
                            chokepoint.assertListedByRest(label, rest, subtaskKeys(scenario));
                        }
                        System.out.printf("[%s] Flink's metric system carries the agent's figures after %.1f s%n",
                                label, seconds(start));
                    }

                    if (scenario.notifications) {
                        assertLevelNotifications(label, scenario, jmx.mbeans(), reader, last.get());
                    }
                    if (scenario.detachAndReattach) {
                        assertDetachAndReattach(label, child, jmx.mbeans(), reader, bridgeFrameInBufferWaits(),
                                chokepoint, subtaskKeys(scenario));
                    }
                }
            } catch (Throwable failure) {
                Poll poll = last.get();
                String table = poll == null ? "(nothing read)\n" : table(scenario, poll);
                System.out.println("[" + label + "] last paired read:\n" + table);
                throw new AssertionError(failure.getMessage() + "\n\nlast paired read (ours | Flink's):\n" + table
                        + "\nchild JVM thread dump (the job's threads; full dump in the file): "
                        + threadDump(child, scenario.levels.keySet())
                        + "\nchild JVM output (" + child.log() + "):\n" + child.output(), failure);
            }
        }
        System.out.printf("[%s] done in %.1f s%n", label, seconds(start));
    }

    private static final String LOOPBACK = "127.0.0.1";

    /** A port free right now on loopback, for the child's REST endpoint (a local environment does not tell its own). */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        }
    }

    private static final String BRIDGE = "dev.chokepoint.bootstrap.ChokepointBridge";
    private static final String LOCAL_BUFFER_POOL = "org.apache.flink.runtime.io.network.buffer.LocalBufferPool";

    /**
     * While attached, the hard-blocked threads wait through the bridge; after a detach they wait in
     * Flink's original code (the first wait after the detach shows it), no MBean is left, and a new
     * attach measures again.
     */
    private static void assertDetachAndReattach(String label, JavaProcess child, MBeanServerConnection mbeans,
                                                ChokepointReader reader, boolean bridgeFrame,
                                                FlinkChokepointMetrics chokepoint, Set<String> subtasks)
            throws Exception {
        ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(
                mbeans, ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
        if (bridgeFrame) {
            await(label + ": a thread waits for a buffer through the bridge").atMost(Duration.ofSeconds(30))
                    .until(() -> waitingInBufferRequest(threads, true));
        }

        Object detached = mbeans.invoke(ObjectNames.AGENT, AgentAttributes.DETACH, new Object[0], new String[0]);
        assertEquals("detached", detached, "the agent's answer to detach");
        assertEquals(Collections.emptySet(), mbeans.queryNames(new ObjectName(ObjectNames.DOMAIN + ":*"), null),
                "MBeans left after detach");
        if (chokepoint != null) {
            chokepoint.assertUnknown(label, subtasks);
        }
        if (bridgeFrame) {
            await(label + ": after detach, threads wait in Flink's original code").atMost(Duration.ofSeconds(60))
                    .until(() -> waitingInBufferRequest(threads, false) && !waitingInBufferRequest(threads, true));
            System.out.printf("[%s] detached: no MBean left, buffer waits back in Flink's own code%n", label);
        } else {
            System.out.printf("[%s] detached: no MBean left%n", label);
        }

        LocalJvm.loadAgent(child.pid(), JavaProcess.agentJar().toString(), "");
        await(label + ": attached again, the source is hard backpressured with measured blocked time")
                .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> reader.tasks().stream()
                        .filter(t -> t.vertex.equals(BackpressureJob.SOURCE_VERTEX))
                        .allMatch(t -> HIGH.equals(t.backPressureLevel) && t.hardBackPressureRatio > 0.5
                                && t.backPressuredTimeMsPerSecond > 500));
        System.out.printf("[%s] attached again: the source is HIGH (hard) with measured blocked time%n", label);
        if (chokepoint != null) {
            // The gauges registered by the first attach read the new agent: nothing is registered twice.
            chokepoint.assertAgreesWithTheAgent(label + " attached again", subtasks);
        }
    }

    /** Whether some thread waits in a buffer request, through the bridge or, when not, in Flink's own code. */
    private static boolean waitingInBufferRequest(ThreadMXBean threads, boolean throughBridge) {
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds(), 16)) {
            if (info == null || info.getThreadState() == Thread.State.RUNNABLE) {
                continue;
            }
            StackTraceElement[] stack = info.getStackTrace();
            for (int i = 0; i < stack.length; i++) {
                if (stack[i].getClassName().equals(LOCAL_BUFFER_POOL)
                        && stack[i].getMethodName().startsWith("requestMemorySegment")) {
                    boolean bridged = i > 0 && stack[i - 1].getClassName().equals(BRIDGE);
                    if (bridged == throughBridge) {
                        return true;
                    }
                    break;
                }
            }
        }
        return false;
    }

    private static Poll poll(ChokepointReader reader, FlinkMetricsOracle oracle, FlinkRestBackPressure rest,
                             FlinkTimeShares shares, long start, AtomicReference<Poll> last) throws Exception {
        Map<String, TaskSnapshot> ours = new TreeMap<>();
        for (TaskSnapshot task : reader.tasks()) {
            ours.put(FlinkMetricsOracle.key(task.vertex, task.subtask), task);
        }
        Map<String, TaskMetrics> flink = oracle.read();
        shares.attach(flink, ours);
        if (rest != null) {
            rest.addTo(flink);
        }
        Poll poll = new Poll(seconds(start), ours, flink);
        last.set(poll);
        return poll;
    }

    // ---------------------------------------------------------------------------------------------
    // Checks of one read

    /** The scenario's subtasks, keyed as in both views ({@link FlinkMetricsOracle#key}). */
    private static Set<String> subtaskKeys(Scenario scenario) {
        Set<String> expected = new TreeSet<>();
        for (String vertex : scenario.levels.keySet()) {
            for (int subtask = 0; subtask < BackpressureJob.PARALLELISM; subtask++) {
                expected.add(FlinkMetricsOracle.key(vertex, subtask));
            }
        }
        return expected;
    }

    /** Both views report every subtask of the job (and nothing else); the agent's windows are full. */
    private static void assertComplete(Scenario scenario, Poll poll) {
        Set<String> expected = new TreeSet<>();
        for (String vertex : scenario.levels.keySet()) {
            for (int subtask = 0; subtask < BackpressureJob.PARALLELISM; subtask++) {
                expected.add(FlinkMetricsOracle.key(vertex, subtask));
            }
        }
        assertEquals(expected, poll.ours.keySet(), "subtasks reported by the agent");
        assertEquals(expected, new TreeSet<>(poll.flink.keySet()), "subtasks reported by Flink's JMX reporter");
        for (TaskSnapshot task : poll.ours.values()) {
            assertEquals(BackpressureJob.PARALLELISM, task.parallelism, "parallelism of " + task.thread);
            assertEquals(FULL_WINDOW, task.samples, "samples of " + task.thread + ": window not full yet");
        }
    }

    /** What the agent must show by its own contract, in every read. */
    private static void assertOwnContract(Scenario scenario, Poll poll) {
        for (TaskSnapshot t : poll.ours.values()) {
            String what = t.thread + " (" + t + ")";
            assertEquals(scenario.levels.get(t.vertex), t.backPressureLevel, "level of " + what);
            for (double ratio : new double[] {t.hardBackPressureRatio, t.softBackPressureRatio, t.idleRatio,
                    t.busyRatio, t.backPressureRatio}) {
                assertTrue(ratio >= 0 && ratio <= 1, "a ratio of " + what + " is outside 0..1");
            }
            assertEquals(1.0, t.hardBackPressureRatio + t.softBackPressureRatio + t.idleRatio + t.busyRatio,
                    RATIO_SLACK, "hard + soft + idle + busy of " + what);
            assertEquals(t.hardBackPressureRatio + t.softBackPressureRatio, t.backPressureRatio, RATIO_SLACK,
                    "BackPressureRatio = hard + soft of " + what);
            assertEquals(level(t.backPressureRatio), t.backPressureLevel, "level of " + what + " by its ratio");
            String kind = scenario.kinds.get(t.vertex);
            if (SOFT.equals(kind)) {
                assertTrue(t.softBackPressureRatio > HIGH_THRESHOLD, "soft backpressure makes " + what + " HIGH");
            } else if (HARD.equals(kind)) {
                assertTrue(t.hardBackPressureRatio > HIGH_THRESHOLD, "hard backpressure makes " + what + " HIGH");
            }
            if (scenario.idle.contains(t.vertex)) {
                assertTrue(t.idleRatio > HIGH_THRESHOLD, what + " is mostly idle");
            }
            String key = FlinkMetricsOracle.key(t.vertex, t.subtask);
            if (scenario.idleSubtasks.contains(key)) {
                assertTrue(t.idleRatio > HIGH_THRESHOLD, what + " is mostly idle");
            }
            if (scenario.busySubtasks.contains(key)) {
                assertTrue(t.busyRatio > HIGH_THRESHOLD, what + " is mostly busy");
            }
            if (scenario.isSink(t.vertex)) {
                assertTrue(Double.isNaN(t.outPoolUsage), "OutPoolUsage of sink " + what + " is NaN (no output pool)");
            } else {
                assertFalse(Double.isNaN(t.outPoolUsage), "OutPoolUsage of " + what + " is a number");
            }
            if (scenario.isSource(t.vertex)) {
                assertTrue(Double.isNaN(t.inPoolUsage) && Double.isNaN(t.floatingBuffersUsage)
                        && Double.isNaN(t.exclusiveBuffersUsage), "input usages of source " + what + " are NaN (no input gate)");
            } else {
                assertFalse(Double.isNaN(t.inPoolUsage) || Double.isNaN(t.floatingBuffersUsage),
                        "InPoolUsage and FloatingBuffersUsage of " + what + " are numbers (it has an input gate)");
            }
            assertFalse(Double.isNaN(t.backPressuredTimeMsPerSecond), "BackPressuredTimeMsPerSecond of " + what);
            assertTrue(t.backPressuredTimeMsPerSecond >= 0 && t.backPressuredTimeMsPerSecond <= 1000 + 1000 * RATIO_SLACK,
                    "BackPressuredTimeMsPerSecond of " + what + " within 0..1000");
            boolean waits = !Double.isNaN(t.bufferWaitMaxMicros);
            assertEquals(waits, !Double.isNaN(t.bufferWaitP50Micros), "p50 and max of " + what + " both NaN or both numbers");
            assertEquals(waits, !Double.isNaN(t.bufferWaitP99Micros), "p99 and max of " + what + " both NaN or both numbers");
            if (waits) {
                assertTrue(t.bufferWaitP50Micros <= t.bufferWaitP99Micros && t.bufferWaitP99Micros <= t.bufferWaitMaxMicros,
                        "buffer wait p50 <= p99 <= max of " + what);
            }
            if (HARD.equals(kind)) {
                // The percentiles cover the waits that ended in the last full window; on a starved
                // machine one wait can outlast a window (seen at load 35+), and then the exactly
                // measured blocked time, which counts the wait in progress, is what shows it.
                assertTrue(waits || t.backPressuredTimeMsPerSecond > 1000 * HIGH_THRESHOLD, "a hard-backpressured "
                        + what + " has buffer waits that ended in its last window, or is blocked in one");
            }
        }
    }

    /** The scenario produces what it is built for, in Flink's own view: otherwise comparing proves nothing. */
    private void assertFlinkAsDesigned(Scenario scenario, Poll poll) {
        for (Map.Entry<String, TaskMetrics> entry : poll.flink.entrySet()) {
            TaskMetrics f = entry.getValue();
            String vertex = poll.ours.get(entry.getKey()).vertex;
            assertEquals(scenario.levels.get(vertex), flinkLevel(f), "Flink's level of " + f);
            double ratio = flinkRatio(f);
            if (!Double.isNaN(ratio)) {
                // Settled: the scenario's HIGH subtasks are backpressured all the time, the OK ones never
                // (Flink 1.13+'s ratio is a 60 s average that still carries the job's first seconds).
                boolean high = HIGH.equals(scenario.levels.get(vertex));
                assertTrue(high ? ratio >= 1 - RATIO_TOLERANCE : ratio <= RATIO_TOLERANCE,
                        "Flink's backpressure ratio of " + f + " has settled");
            }
            String kind = flinkKind(f);
            if (kind != null && scenario.kinds.containsKey(vertex)) {
                assertEquals(scenario.kinds.get(vertex), kind, "Flink's kind of backpressure of " + f);
            }
            if ((scenario.idle.contains(vertex) || scenario.idleSubtasks.contains(entry.getKey())) && f.has(IDLE_MS)) {
                assertTrue(f.number(IDLE_MS) / 1000 > HIGH_THRESHOLD, "Flink sees " + f + " mostly idle");
            }
            if (scenario.busySubtasks.contains(entry.getKey()) && f.has(IDLE_MS)) {
                assertTrue(f.number(IDLE_MS) / 1000 < HIGH_THRESHOLD, "Flink sees " + f + " mostly not idle");
            }
            Boolean backlog = scenario.inputBacklog.get(entry.getKey());
            if (backlog != null) {
                assertEquals(backlog, f.number(IN_POOL_USAGE) > HIGH_THRESHOLD, "Flink sees the input buffers of "
                        + f + (backlog ? " mostly in use: a backlog in its channels" : " mostly free"));
            }
            if (scenario.remoteInput.contains(vertex)) {
                assertTrue(f.number(IN_POOL_USAGE) > 0 && f.number(EXCLUSIVE_USAGE) > 0,
                        "Flink sees input buffers of " + f + " in use: its input crosses the network");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Agreement over the paired reads

    /** One compared value: its name, and whether ours agrees with Flink's in one read. */
    private interface Comparison {
        /** {@code null} when this value is not compared for this subtask on this version. */
        Boolean agrees(Scenario scenario, TaskSnapshot ours, TaskMetrics flink);
    }

    private Map<String, Comparison> comparisons() {
        Map<String, Comparison> comparisons = new LinkedHashMap<>();
        comparisons.put("level", (s, o, f) -> {
            String flinkLevel = flinkLevel(f);
            return flinkLevel == null ? Boolean.FALSE : flinkLevel.equals(o.backPressureLevel);
        });
        comparisons.put(TaskAttributes.BACK_PRESSURE_RATIO, (s, o, f) -> {
            double flinkRatio = flinkRatio(f);
            return Double.isNaN(flinkRatio)
                    ? null : Math.abs(o.backPressureRatio - flinkRatio) <= RATIO_TOLERANCE;
        });
        comparisons.put("kind", (s, o, f) -> {
            String flinkKind = flinkKind(f);
            if (flinkKind == null || OK.equals(flinkLevel(f))) {
                return null;
            }
            return flinkKind.equals(o.hardBackPressureRatio > o.softBackPressureRatio ? HARD : SOFT);
        });
        comparisons.put(TaskAttributes.OUT_POOL_USAGE, (s, o, f) ->
                usageAgrees(o.outPoolUsage, f.number(OUT_POOL_USAGE), s.isSink(o.vertex)));
        comparisons.put(TaskAttributes.IN_POOL_USAGE, (s, o, f) ->
                usageAgrees(o.inPoolUsage, f.number(IN_POOL_USAGE), s.isSource(o.vertex)));
        // Flink 1.9 has these two gauges only with credit-based flow control, which needs Netty: not
        // on one TaskManager (NettyShuffleEnvironmentConfiguration: isCreditBased = nettyConfig != null && …).
        comparisons.put(TaskAttributes.FLOATING_BUFFERS_USAGE, (s, o, f) ->
                !f.has(FLOATING_USAGE) && !creditBasedGaugesAlways()
                        ? null : usageAgrees(o.floatingBuffersUsage, f.number(FLOATING_USAGE), s.isSource(o.vertex)));
        // Flink's gauge says 0 for 0/0 (no remote channel, so no exclusive buffer): NaN is as good there.
        comparisons.put(TaskAttributes.EXCLUSIVE_BUFFERS_USAGE, (s, o, f) ->
                !f.has(EXCLUSIVE_USAGE) && !creditBasedGaugesAlways()
                        ? null : usageAgrees(o.exclusiveBuffersUsage, f.number(EXCLUSIVE_USAGE), true));
        // Flink 1.15+: time in blocking buffer requests, as a 60 s average. Compared as a level by
        // Flink's thresholds, not in ms: the average still carries the job's first seconds.
        comparisons.put(TaskAttributes.BACK_PRESSURED_TIME_MS_PER_SECOND, (s, o, f) -> f.has(HARD_BACK_PRESSURED_MS)
                ? level(o.backPressuredTimeMsPerSecond / 1000).equals(level(f.number(HARD_BACK_PRESSURED_MS) / 1000))
                : null);
        // Flink 1.16+: the busy and idle shares over the same span (Flink counts a task that yields
        // inside processing, e.g. to an async I/O operator, as busy; so must we).
        comparisons.put("busy share", (s, o, f) -> f.has(FlinkTimeShares.BUSY_SHARE)
                ? Math.abs(f.number(FlinkTimeShares.OUR_BUSY_SHARE) - f.number(FlinkTimeShares.BUSY_SHARE))
                <= BUSY_TOLERANCE : null);
        comparisons.put("idle share", (s, o, f) -> f.has(FlinkTimeShares.IDLE_SHARE)
                ? Math.abs(f.number(FlinkTimeShares.OUR_IDLE_SHARE) - f.number(FlinkTimeShares.IDLE_SHARE))
                <= BUSY_TOLERANCE : null);
        // Flink 1.13+: time waiting for input, for the tasks that have an input.
        comparisons.put("idle", (s, o, f) -> f.has(IDLE_MS) && !s.isSource(o.vertex)
                ? (o.idleRatio > HIGH_THRESHOLD) == (f.number(IDLE_MS) / 1000 > HIGH_THRESHOLD)
                : null);
        return comparisons;
    }

    /** Within {@link #TOLERANCE}; ours may be NaN (no such pool) only where allowed, and then Flink's gauge reads 0. */
    private static Boolean usageAgrees(double ours, double flink, boolean nanAllowed) {
        if (Double.isNaN(flink)) {
            return Boolean.FALSE;
        }
        if (Double.isNaN(ours)) {
            return nanAllowed && flink == 0;
        }
        return Math.abs(ours - flink) <= TOLERANCE;
    }

    private void assertAgreement(Scenario scenario, List<Poll> polls) {
        Map<String, Comparison> comparisons = comparisons();
        // subtask → comparison → [agreed, compared]
        Map<String, Map<String, int[]>> counts = new TreeMap<>();
        StringBuilder disagreements = new StringBuilder();
        for (Poll poll : polls) {
            for (Map.Entry<String, TaskSnapshot> entry : poll.ours.entrySet()) {
                TaskSnapshot ours = entry.getValue();
                TaskMetrics flink = poll.flink.get(entry.getKey());
                for (Map.Entry<String, Comparison> comparison : comparisons.entrySet()) {
                    Boolean agrees = comparison.getValue().agrees(scenario, ours, flink);
                    if (agrees == null) {
                        continue;
                    }
                    int[] count = counts.computeIfAbsent(ours.thread, k -> new TreeMap<>())
                            .computeIfAbsent(comparison.getKey(), k -> new int[2]);
                    count[1]++;
                    if (agrees) {
                        count[0]++;
                    } else {
                        disagreements.append(String.format("  %5.1f s  %-28s %-28s ours %s | Flink %s%n", poll.at,
                                ours.thread, comparison.getKey(), row(ours), flinkRow(flink)));
                    }
                }
            }
        }
        StringBuilder summary = new StringBuilder(String.format("%-28s %-28s %s%n", "subtask", "value", "agreed/reads"));
        List<String> failures = new ArrayList<>();
        Map<String, int[]> scenarioWide = new TreeMap<>();
        counts.forEach((thread, byValue) -> byValue.forEach((value, count) -> {
            summary.append(String.format("%-28s %-28s %d/%d%n", thread, value, count[0], count[1]));
            if (SCENARIO_WIDE.contains(value)) {
                int[] sum = scenarioWide.computeIfAbsent(value, k -> new int[2]);
                sum[0] += count[0];
                sum[1] += count[1];
            } else if (count[0] < AGREEMENT * count[1]) {
                failures.add(thread + " " + value + " " + count[0] + "/" + count[1]);
            }
        }));
        scenarioWide.forEach((value, count) -> {
            summary.append(String.format("%-28s %-28s %d/%d%n", "(all subtasks)", value, count[0], count[1]));
            if (count[0] < AGREEMENT * count[1]) {
                failures.add("all subtasks " + value + " " + count[0] + "/" + count[1]);
            }
        });
        System.out.print(summary);
        if (!failures.isEmpty()) {
            fail("the agent disagrees with Flink in more than " + Math.round(100 * (1 - AGREEMENT))
                    + "% of the paired reads: " + failures + "\n" + summary + "disagreements:\n" + disagreements);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Notifications

    /**
     * Moves the thresholds over every ratio ({@code low=1,high=1}): every HIGH subtask must notify
     * HIGH → OK; back to the defaults, it must notify → HIGH again.
     */
    private static void assertLevelNotifications(String label, Scenario scenario, MBeanServerConnection mbeans,
                                                 ChokepointReader reader, Poll poll) throws Exception {
        Set<String> high = poll.ours.values().stream().filter(t -> HIGH.equals(scenario.levels.get(t.vertex)))
                .map(t -> t.thread).collect(Collectors.toCollection(TreeSet::new));
        ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
        NotificationListener listener = (notification, handback) -> {
            if (notification instanceof AttributeChangeNotification) {
                AttributeChangeNotification change = (AttributeChangeNotification) notification;
                received.add(handback + " " + change.getAttributeName() + " " + change.getOldValue() + " -> "
                        + change.getNewValue());
            }
        };
        List<ObjectName> names = new ArrayList<>();
        for (String thread : high) {
            ObjectName name = FlinkChokepointMetrics.onlyTask(mbeans, thread);
            mbeans.addNotificationListener(name, listener, null, thread);
            names.add(name);
        }
        try {
            Object result = mbeans.invoke(ObjectNames.AGENT, AgentAttributes.RECONFIGURE, new Object[] {"low=1,high=1"},
                    new String[] {String.class.getName()});
            System.out.printf("[%s] reconfigure(low=1,high=1) -> %s%n", label, result);
            awaitNotifications(received, high, "HIGH -> OK");
            result = mbeans.invoke(ObjectNames.AGENT, AgentAttributes.RECONFIGURE, new Object[] {""},
                    new String[] {String.class.getName()});
            System.out.printf("[%s] reconfigure() -> %s%n", label, result);
            awaitNotifications(received, high, "-> HIGH");
            System.out.printf("[%s] level notifications: %s%n", label, received);
            assertTrue(reader.tasks().stream().filter(t -> high.contains(t.thread))
                    .allMatch(t -> HIGH.equals(t.backPressureLevel)), "HIGH again with the default thresholds");
        } finally {
            for (ObjectName name : names) {
                try {
                    mbeans.removeNotificationListener(name, listener);
                } catch (Exception ignored) {
                    // the subtask or the connection may be gone; nothing to clean up then
                }
            }
        }
    }

    /** Waits for a notification of {@code change} (e.g. {@code "HIGH -> OK"}, {@code "-> HIGH"}) from each subtask. */
    private static void awaitNotifications(ConcurrentLinkedQueue<String> received, Set<String> threads, String change) {
        await("an AttributeChangeNotification " + TaskAttributes.BACK_PRESSURE_LEVEL + " '" + change + "' from each of " + threads)
                .atMost(NOTIFICATION_TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    Set<String> missing = new TreeSet<>(threads);
                    for (String notification : received) {
                        missing.removeIf(thread -> notification.startsWith(thread + " " + TaskAttributes.BACK_PRESSURE_LEVEL + " ")
                                && notification.contains(change));
                    }
                    assertTrue(missing.isEmpty(), "no '" + change + "' notification from " + missing
                            + "; received: " + received);
                });
    }

    // ---------------------------------------------------------------------------------------------
    // Levels and tables

    /** Flink's (and the agent's default) mapping of a backpressure ratio to a level. */
    static String level(double ratio) {
        return ratio <= LOW_THRESHOLD ? OK : ratio <= HIGH_THRESHOLD ? LOW : HIGH;
    }

    private String table(Scenario scenario, Poll poll) {
        StringBuilder table = new StringBuilder(String.format("  %-26s %-12s | %-58s | %-60s%n", "subtask",
                "level us/Fl", "ours: hard soft idle busy   out   in  float excl  bp ms/s wait p50/p99/max us",
                "Flink: out   in  float excl  isBP  bp/soft/hard/idle ms/s"));
        Set<String> keys = new TreeSet<>(poll.ours.keySet());
        keys.addAll(poll.flink.keySet());
        for (String key : keys) {
            TaskSnapshot ours = poll.ours.get(key);
            TaskMetrics flink = poll.flink.get(key);
            table.append(String.format("  %-26s %-5s/%-6s | %-58s | %-60s%n",
                    ours != null ? ours.thread : key,
                    ours != null ? ours.backPressureLevel : "-",
                    flink != null ? String.valueOf(flinkLevel(flink)) : "-",
                    ours != null ? row(ours) : "(not reported)",
                    flink != null ? flinkRow(flink) : "(not reported)"));
        }
        return table.toString();
    }

    private static String row(TaskSnapshot t) {
        return String.format("%.2f %.2f %.2f %.2f  %s %s %s %s  %5.0f  %s/%s/%s",
                t.hardBackPressureRatio, t.softBackPressureRatio, t.idleRatio, t.busyRatio,
                usage(t.outPoolUsage), usage(t.inPoolUsage), usage(t.floatingBuffersUsage),
                usage(t.exclusiveBuffersUsage), t.backPressuredTimeMsPerSecond,
                micros(t.bufferWaitP50Micros), micros(t.bufferWaitP99Micros), micros(t.bufferWaitMaxMicros));
    }

    private static String flinkRow(TaskMetrics f) {
        return String.format("%s %s %s %s  %-5s %s/%s/%s/%s%s",
                usage(f.number(OUT_POOL_USAGE)), usage(f.number(IN_POOL_USAGE)), usage(f.number(FLOATING_USAGE)),
                usage(f.number(EXCLUSIVE_USAGE)),
                f.has(IS_BACK_PRESSURED) ? String.valueOf(f.values.get(IS_BACK_PRESSURED)) : "-",
                ms(f, BACK_PRESSURED_MS), ms(f, SOFT_BACK_PRESSURED_MS), ms(f, HARD_BACK_PRESSURED_MS), ms(f, IDLE_MS),
                f.has(FlinkRestBackPressure.LEVEL) ? String.format("  REST %s %.2f @%d", f.values.get(FlinkRestBackPressure.LEVEL),
                        f.number(FlinkRestBackPressure.RATIO), (long) f.number(FlinkRestBackPressure.END_TIMESTAMP) % 100_000) : "")
                + (f.has(FlinkTimeShares.BUSY_SHARE) ? String.format("  busy/idle over 10 s: ours %.2f/%.2f Flink %.2f/%.2f",
                        f.number(FlinkTimeShares.OUR_BUSY_SHARE), f.number(FlinkTimeShares.OUR_IDLE_SHARE),
                        f.number(FlinkTimeShares.BUSY_SHARE), f.number(FlinkTimeShares.IDLE_SHARE)) : "");
    }

    private static String usage(double value) {
        return Double.isNaN(value) ? " NaN" : String.format("%.2f", value);
    }

    private static String micros(double value) {
        return Double.isNaN(value) ? "NaN" : String.format("%.0f", value);
    }

    private static String ms(TaskMetrics f, String metric) {
        return f.has(metric) ? String.format("%.0f", f.number(metric)) : "-";
    }
}

package dev.chokepoint.agent.export;

import dev.chokepoint.agent.aggregate.SubtaskRegistry;
import dev.chokepoint.agent.aggregate.SubtaskState;
import dev.chokepoint.agent.classify.ThreadState;
import dev.chokepoint.agent.config.AgentConfig;
import dev.chokepoint.agent.config.ConfigParser;
import dev.chokepoint.agent.discover.TaskThreadName;
import dev.chokepoint.agent.flink.FlinkTask;
import dev.chokepoint.api.FlinkMetricNames;
import dev.chokepoint.api.ObjectNames;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;
import org.apache.flink.runtime.taskmanager.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The gauges the agent registers in a task's metric group, against stand-ins of Flink's metric
 * interfaces and of {@code AbstractMetricGroup}'s bookkeeping (test sources, org.apache.flink.*).
 * Registration into real Flink, and what its REST API and reporters make of it: src/e2e-*.
 */
class FlinkMetricsPublisherTest {

    private static final String SUBTASK = "Chokepoint Publisher Test Map (1/2)#0";
    private static final ThreadState[] STATES = {
        ThreadState.RUNNING, ThreadState.IN_BUFFER_REQUEST, ThreadState.SLEEPING, ThreadState.LOCKED,
        ThreadState.WAITING_FOR_WORK, ThreadState.SLEEPING, ThreadState.SLEEPING
    };

    private volatile AgentConfig config = config("");
    private volatile boolean blockedTimeMeasured = true;
    private final TaskView.ConfigSource settings = new TaskView.ConfigSource() {
        @Override
        public AgentConfig config() {
            return config;
        }

        @Override
        public boolean blockedTimeMeasured() {
            return blockedTimeMeasured;
        }
    };
    private final List<SubtaskRegistry> registries = new ArrayList<>();
    private long tick;

    @AfterEach
    void stopEveryAgent() {
        for (SubtaskRegistry registry : registries) {
            registry.clear();
        }
    }

    /** One agent: its registry, MBeans and publisher, as the sampler thread wires them. */
    private final class Agent {
        final TaskMBeans mbeans = new TaskMBeans(new MBeanExporter(), settings);
        final SubtaskRegistry registry = new SubtaskRegistry(10, mbeans);
        final FlinkMetricsPublisher publisher = new FlinkMetricsPublisher(mbeans, settings);

        Agent() {
            registries.add(registry);
        }

        /** Samples the subtask for a few ticks and binds it to {@code task} at the first, as a tick does. */
        SubtaskState run(Task task) {
            SubtaskState state = null;
            for (ThreadState threadState : STATES) {
                tick++;
                state = registry.observe(TaskThreadName.parseFlink(SUBTASK), tick, false, threadState, null, 0L);
                if (state.needsBinding()) {
                    state.bind(FlinkTask.of(task));
                    publisher.bound(state);
                }
                registry.endTick(tick, 50_000_000L);
            }
            return state;
        }

        void detach() {
            registry.clear();
        }
    }

    @Test
    void everyFigureIsRegisteredOnceInTheTasksChokepointGroup() {
        TaskMetricGroup taskGroup = new TaskMetricGroup();
        new Agent().run(new Task(taskGroup));

        TaskMetricGroup ours = taskGroup.group(FlinkMetricNames.GROUP);
        assertNotNull(ours, "the sub-group " + FlinkMetricNames.GROUP);
        assertEquals(new TreeSet<>(FlinkMetricNames.GAUGES), new TreeSet<>(ours.metrics().keySet()));
        assertEquals(Collections.emptyMap(), taskGroup.metrics(), "nothing directly in the task's group");
        for (Metric metric : ours.metrics().values()) {
            assertTrue(metric instanceof Gauge, metric + " is a Flink Gauge");
        }
        assertEquals(Collections.emptyList(), ours.collisions);
    }

    @Test
    void eachGaugeReadsWhatTheTaskMBeanSays() throws Exception {
        TaskMetricGroup taskGroup = new TaskMetricGroup();
        new Agent().run(new Task(taskGroup));

        Map<String, Object> fromMBean = new LinkedHashMap<>();
        Map<String, Object> fromFlink = new LinkedHashMap<>();
        for (Map.Entry<String, String> metric : FlinkMetricNames.TASK_ATTRIBUTES.entrySet()) {
            fromMBean.put(metric.getKey(), ManagementFactory.getPlatformMBeanServer()
                    .getAttribute(ObjectNames.task(SUBTASK), metric.getValue()));
            fromFlink.put(metric.getKey(), value(taskGroup, metric.getKey()));
        }
        assertEquals(fromMBean, fromFlink);
        // A window with something of each kind: the comparison is between figures, not between zeros.
        assertEquals(1.0 / STATES.length, (Double) fromFlink.get(FlinkMetricNames.HARD_RATIO), 1e-9);
        assertEquals(3.0 / STATES.length, (Double) fromFlink.get(FlinkMetricNames.SLEEP_RATIO), 1e-9);
        assertEquals("SLEEP", fromFlink.get(FlinkMetricNames.CAUSE));
    }

    @Test
    void theFiguresTextHoldsEachGaugeAndTheMBeansPoolsInOrder() throws Exception {
        TaskMetricGroup taskGroup = new TaskMetricGroup();
        new Agent().run(new Task(taskGroup));

        Map<String, String> fields = FlinkMetricNames.unpack((String) value(taskGroup, FlinkMetricNames.FIGURES));
        assertEquals(FlinkMetricNames.FIGURE_FIELDS, new ArrayList<>(fields.keySet()));
        assertTrue(FigureField.coversTheContract(), "a getter for every field of the contract");
        for (String metric : FlinkMetricNames.ALL) {
            assertEquals(String.valueOf(value(taskGroup, metric)), fields.get(metric), metric);
        }
        Map<String, String> pools = new LinkedHashMap<>();
        pools.put(FlinkMetricNames.OUT_POOL_USAGE_FIELD, dev.chokepoint.api.TaskAttributes.OUT_POOL_USAGE);
        pools.put(FlinkMetricNames.IN_POOL_USAGE_FIELD, dev.chokepoint.api.TaskAttributes.IN_POOL_USAGE);
        pools.put(FlinkMetricNames.FLOATING_BUFFERS_USAGE_FIELD, dev.chokepoint.api.TaskAttributes.FLOATING_BUFFERS_USAGE);
        pools.put(FlinkMetricNames.EXCLUSIVE_BUFFERS_USAGE_FIELD, dev.chokepoint.api.TaskAttributes.EXCLUSIVE_BUFFERS_USAGE);
        pools.put(FlinkMetricNames.REMOTE_INPUT_CHANNELS_FIELD, dev.chokepoint.api.TaskAttributes.REMOTE_INPUT_CHANNELS);
        pools.put(FlinkMetricNames.PERSISTENCE_FIELD, dev.chokepoint.api.TaskAttributes.PERSISTENCE);
        for (Map.Entry<String, String> pool : pools.entrySet()) {
            assertEquals(String.valueOf(ManagementFactory.getPlatformMBeanServer().getAttribute(ObjectNames.task(SUBTASK),
                    pool.getValue())), fields.get(pool.getKey()), pool.getKey());
        }
        assertEquals("SLEEP", fields.get(FlinkMetricNames.CAUSE));
    }

    @Test
    void theHistoryTextIsTheMBeansHistory() throws Exception {
        TaskMetricGroup taskGroup = new TaskMetricGroup();
        new Agent().run(new Task(taskGroup));

        dev.chokepoint.api.HistoryText.Decoded history = dev.chokepoint.api.HistoryText.decode(
                (String) value(taskGroup, FlinkMetricNames.HISTORY));
        assertNotNull(history, "a history text");
        javax.management.MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        assertEquals(server.getAttribute(ObjectNames.task(SUBTASK), dev.chokepoint.api.TaskAttributes.HISTORY_STEP_MILLIS),
                history.stepMillis);
        assertEquals(server.getAttribute(ObjectNames.task(SUBTASK), dev.chokepoint.api.TaskAttributes.HISTORY_END_MILLIS),
                history.endMillis);
        double[] points = (double[]) server.getAttribute(ObjectNames.task(SUBTASK), dev.chokepoint.api.TaskAttributes.HISTORY);
        assertEquals(points.length, history.ratios.length);
        for (int i = 0; i < points.length; i++) {
            assertEquals(points[i], history.ratios[i], 0.025 + 1e-9, "point " + i);
        }
        assertEquals(((Object[]) server.getAttribute(ObjectNames.task(SUBTASK), dev.chokepoint.api.TaskAttributes.EPISODES)).length,
                history.episodes.size());
    }

    @Test
    void aBlockedTimeTheAgentCannotVouchForReadsNaNInFlinkAsInTheMBean() throws Exception {
        TaskMetricGroup taskGroup = new TaskMetricGroup();
        new Agent().run(new Task(taskGroup));
        assertEquals(0.0, value(taskGroup, FlinkMetricNames.BLOCKED_TIME_MS_PER_SECOND), "measured: no timed wait");

        // e.g. a buffer pool whose rewrite matched no wait call: its waits are never timed
        blockedTimeMeasured = false;
        assertEquals(Double.NaN, value(taskGroup, FlinkMetricNames.BLOCKED_TIME_MS_PER_SECOND));
        assertEquals(Double.NaN, ManagementFactory.getPlatformMBeanServer().getAttribute(ObjectNames.task(SUBTASK),
                FlinkMetricNames.TASK_ATTRIBUTES.get(FlinkMetricNames.BLOCKED_TIME_MS_PER_SECOND)));
    }

    @Test
    void bindingAgainRegistersNothingTwice() {
        TaskMetricGroup taskGroup = new TaskMetricGroup();
        Task task = new Task(taskGroup);
        Agent agent = new Agent();
        SubtaskState state = agent.run(task);
        Map<String, Metric> first = taskGroup.group(FlinkMetricNames.GROUP).metrics();

        agent.publisher.bound(state);
        agent.publisher.publishAll();

        assertEquals(Collections.emptyList(), taskGroup.group(FlinkMetricNames.GROUP).collisions);
        assertEquals(first, taskGroup.group(FlinkMetricNames.GROUP).metrics());
    }

    @Test
    void afterADetachTheGaugesReadNaNAndAnAttachAgainRevivesThemWithoutRegistering() {
        TaskMetricGroup taskGroup = new TaskMetricGroup();
        Task task = new Task(taskGroup);
        Agent first = new Agent();
        first.run(task);
        assertEquals(1.0 / STATES.length, value(taskGroup, FlinkMetricNames.HARD_RATIO));

        first.detach();
        for (String number : FlinkMetricNames.NUMBERS) {
            assertEquals(Double.NaN, value(taskGroup, number), number + " after the detach");
        }
        assertEquals("", value(taskGroup, FlinkMetricNames.CAUSE));
        assertEquals("", value(taskGroup, FlinkMetricNames.FIGURES));
        assertEquals("", value(taskGroup, FlinkMetricNames.HISTORY));

        Map<String, Metric> gauges = taskGroup.group(FlinkMetricNames.GROUP).metrics();
        new Agent().run(task);
        assertEquals(Collections.emptyList(), taskGroup.group(FlinkMetricNames.GROUP).collisions);
        assertEquals(gauges, taskGroup.group(FlinkMetricNames.GROUP).metrics(), "the same gauges");
        assertEquals(1.0 / STATES.length, value(taskGroup, FlinkMetricNames.HARD_RATIO), "read from the new agent");
    }

    @Test
    void aNameTheGroupAlreadyHoldsIsLeftToItsOwner() {
        // e.g. registered by a copy of the agent loaded from another jar, whose classes are not ours
        TaskMetricGroup taskGroup = new TaskMetricGroup();
        Gauge<Double> other = () -> 0.5;
        ((TaskMetricGroup) taskGroup.addGroup(FlinkMetricNames.GROUP)).gauge(FlinkMetricNames.BUSY_RATIO, other);

        new Agent().run(new Task(taskGroup));

        TaskMetricGroup ours = taskGroup.group(FlinkMetricNames.GROUP);
        assertEquals(Collections.emptyList(), ours.collisions);
        assertSame(other, ours.metrics().get(FlinkMetricNames.BUSY_RATIO));
        assertEquals(FlinkMetricNames.GAUGES.size(), ours.metrics().size());
    }

    @Test
    void flinkMetricsFalseRegistersNothingUntilTurnedOn() {
        config = config("flinkMetrics=false");
        TaskMetricGroup taskGroup = new TaskMetricGroup();
        Agent agent = new Agent();
        agent.run(new Task(taskGroup));
        assertNull(taskGroup.group(FlinkMetricNames.GROUP), "no sub-group with flinkMetrics=false");

        config = config("");
        agent.publisher.publishAll();
        assertEquals(new TreeSet<>(FlinkMetricNames.GAUGES), new TreeSet<>(taskGroup.group(FlinkMetricNames.GROUP).metrics().keySet()));
        assertEquals(1.0 / STATES.length, value(taskGroup, FlinkMetricNames.HARD_RATIO));

        config = config("flinkMetrics=false");
        assertEquals(Double.NaN, value(taskGroup, FlinkMetricNames.HARD_RATIO), "turned off again: NaN");
    }

    @Test
    void aGaugeKeepsNoTaskReachable() throws Exception {
        TaskMetricGroup taskGroup = new TaskMetricGroup();
        Task task = new Task(taskGroup);
        Agent agent = new Agent();
        agent.run(task);
        Object gauge = taskGroup.group(FlinkMetricNames.GROUP).metrics().get(FlinkMetricNames.BUSY_RATIO);
        WeakReference<Task> taskRef = new WeakReference<>(task);
        WeakReference<TaskMetricGroup> groupRef = new WeakReference<>(taskGroup);
        task = null;
        taskGroup = null;

        for (int i = 0; i < 50 && (taskRef.get() != null || groupRef.get() != null); i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertNull(taskRef.get(), "the task is collectable while its gauge and its subtask live on");
        assertNull(groupRef.get(), "so is its metric group");
        assertNotNull(gauge);
    }

    @Test
    void aGroupThatFailsCostsTheMetricsNotTheSampler() {
        TaskMetricGroup taskGroup = new TaskMetricGroup();
        ((TaskMetricGroup) taskGroup.addGroup(FlinkMetricNames.GROUP)).failOnGauge =
                new IllegalStateException("stand-in failure");
        try {
            new Agent().run(new Task(taskGroup));
        } catch (Throwable t) {
            fail("a failing registration reached the sampler: " + t);
        }
        assertTrue(ManagementFactory.getPlatformMBeanServer().isRegistered(ObjectNames.task(SUBTASK)),
                "the Task MBean is there");
    }

    private static Object value(TaskMetricGroup taskGroup, String metric) {
        return ((Gauge<?>) taskGroup.group(FlinkMetricNames.GROUP).metrics().get(metric)).getValue();
    }

    private static AgentConfig config(String arguments) {
        try {
            return ConfigParser.parse(arguments, new Properties());
        } catch (Exception e) {
            throw new IllegalArgumentException(arguments, e);
        }
    }
}

package dev.chokepoint.agent.export;

import dev.chokepoint.agent.aggregate.SubtaskRegistry;
import dev.chokepoint.agent.classify.ThreadState;
import dev.chokepoint.agent.config.AgentConfig;
import dev.chokepoint.agent.config.ConfigParser;
import dev.chokepoint.agent.discover.TaskThreadName;
import dev.chokepoint.api.Episode;
import dev.chokepoint.api.ObjectNames;
import dev.chokepoint.api.Persistence;
import dev.chokepoint.api.TaskAttributes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.Notification;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.openmbean.ArrayType;
import javax.management.openmbean.CompositeData;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The history on the Task MBean, read as a JMX client reads it: the sampler's ticks driven by
 * hand on a simulated clock (50 ms apart, 20 to a 1 s step), a subtask that blocks in buffer
 * requests on a known schedule.
 */
class TaskHistoryTest {

    private static final String SUBTASK = "Chokepoint History Test Map (1/1)#0";
    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();
    private static final long TICK_NANOS = 50_000_000L;

    private final AgentConfig config = config("samples=20,delay=50ms,history=30s,historyStep=1s,persistentAfter=10s");
    private final TaskView.ConfigSource settings = new TaskView.ConfigSource() {
        @Override
        public AgentConfig config() {
            return config;
        }

        @Override
        public boolean blockedTimeMeasured() {
            return false;
        }
    };
    private long tick;
    /** Epoch milliseconds of the simulated clock. */
    private final TaskMBeans mbeans = new TaskMBeans(new MBeanExporter(), settings,
            () -> 1_700_000_000_000L + tick * TICK_NANOS / 1_000_000L);
    private final SubtaskRegistry registry = new SubtaskRegistry(config.samples(), mbeans);
    private final TaskThreadName name = TaskThreadName.parseFlink(SUBTASK);

    @AfterEach
    void cleanUp() throws Exception {
        registry.clear();
        if (SERVER.isRegistered(ObjectNames.task(SUBTASK))) {
            SERVER.unregisterMBean(ObjectNames.task(SUBTASK));
        }
    }

    /** One step (20 ticks) of the subtask in {@code state}. */
    private void step(ThreadState state) {
        for (int i = 0; i < 20; i++) {
            tick++;
            registry.observe(name, tick, false, state, null, tick * TICK_NANOS);
            registry.endTick(tick, TICK_NANOS);
            mbeans.publishLevels();
            mbeans.recordHistory(tick * TICK_NANOS);
        }
    }

    private void steps(int n, ThreadState state) {
        for (int i = 0; i < n; i++) {
            step(state);
        }
    }

    @Test
    void burstsReadTemporaryWithTheirEpisodesAndNotifyEachStartAndEnd() throws Exception {
        ObjectName object = ObjectNames.task(SUBTASK);
        step(ThreadState.WAITING_FOR_WORK); // registers the MBean; the first tick starts the step count
        List<Notification> received = new ArrayList<>();
        NotificationListener listener = (notification, handback) -> received.add(notification);
        SERVER.addNotificationListener(object, listener, null, null);

        steps(3, ThreadState.WAITING_FOR_WORK);
        assertEquals(Persistence.NONE.name(), SERVER.getAttribute(object, TaskAttributes.PERSISTENCE));
        for (int cycle = 0; cycle < 3; cycle++) {
            steps(3, ThreadState.IN_BUFFER_REQUEST);
            steps(4, ThreadState.WAITING_FOR_WORK);
        }

        assertEquals(Persistence.TEMPORARY.name(), SERVER.getAttribute(object, TaskAttributes.PERSISTENCE));
        CompositeData[] episodes = (CompositeData[]) SERVER.getAttribute(object, TaskAttributes.EPISODES);
        assertEquals(3, episodes.length);
        for (CompositeData data : episodes) {
            Episode episode = Episode.from(data);
            assertFalse(episode.isOngoing());
            assertFalse((Boolean) data.get(Episode.ONGOING));
            // three steps, give or take the step in which the sample kinds changed
            assertTrue(episode.getDurationMillis() >= 3000 && episode.getDurationMillis() <= 4000, episode.toString());
            assertEquals(episode.getStart() + episode.getDurationMillis(), episode.getEnd());
            assertEquals("HIGH", episode.getPeakLevel());
            assertTrue(episode.getMeanRatio() > 0.5, episode.toString());
        }
        assertEquals(7000, Episode.from(episodes[1]).getStart() - Episode.from(episodes[0]).getStart());

        double[] history = (double[]) SERVER.getAttribute(object, TaskAttributes.HISTORY);
        assertEquals(24, history.length); // 25 steps of ticks; the first tick starts the count
        assertEquals(1000L, SERVER.getAttribute(object, TaskAttributes.HISTORY_STEP_MILLIS));
        // the newest point ended at the tick that ended the 24th step: tick 1 + 24 * 20
        assertEquals(1_700_000_000_000L + (1 + 24 * 20) * TICK_NANOS / 1_000_000L,
                SERVER.getAttribute(object, TaskAttributes.HISTORY_END_MILLIS));
        int high = 0;
        for (double ratio : history) {
            high += ratio > 0.5 ? 1 : 0;
        }
        assertEquals(9, high, java.util.Arrays.toString(history));

        List<String> types = new ArrayList<>();
        for (Notification n : received) {
            if (n.getType().startsWith("chokepoint.episode")) {
                types.add(n.getType());
                assertEquals(Episode.class.getName(), ((CompositeData) n.getUserData()).getCompositeType().getTypeName());
            }
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            expected.add(Episode.NOTIFICATION_START);
            expected.add(Episode.NOTIFICATION_END);
        }
        assertEquals(expected, types);
        SERVER.removeNotificationListener(object, listener);
    }

    @Test
    void aSteadyBottleneckReadsPersistentWithOneOngoingEpisode() throws Exception {
        ObjectName object = ObjectNames.task(SUBTASK);
        steps(12, ThreadState.IN_BUFFER_REQUEST);
        assertEquals(Persistence.PERSISTENT.name(), SERVER.getAttribute(object, TaskAttributes.PERSISTENCE));
        CompositeData[] episodes = (CompositeData[]) SERVER.getAttribute(object, TaskAttributes.EPISODES);
        assertEquals(1, episodes.length);
        assertEquals(Episode.ONGOING_END, Episode.from(episodes[0]).getEnd());
        assertTrue((Boolean) episodes[0].get(Episode.ONGOING));
        // past the history's length the ongoing episode still reads PERSISTENT, from its start
        steps(40, ThreadState.IN_BUFFER_REQUEST);
        episodes = (CompositeData[]) SERVER.getAttribute(object, TaskAttributes.EPISODES);
        assertEquals(1, episodes.length);
        assertTrue(Episode.from(episodes[0]).getDurationMillis() >= 50_000);
    }

    @Test
    void anIdleSubtaskReadsNone() throws Exception {
        ObjectName object = ObjectNames.task(SUBTASK);
        steps(10, ThreadState.WAITING_FOR_WORK);
        assertEquals(Persistence.NONE.name(), SERVER.getAttribute(object, TaskAttributes.PERSISTENCE));
        assertEquals(0, ((CompositeData[]) SERVER.getAttribute(object, TaskAttributes.EPISODES)).length);
        assertEquals(9, ((double[]) SERVER.getAttribute(object, TaskAttributes.HISTORY)).length);
    }

    @Test
    void theNotificationsUserDataHasTheOpenTypeOfTheEpisodesAttribute() throws Exception {
        steps(1, ThreadState.WAITING_FOR_WORK);
        MBeanAttributeInfo episodes = null;
        for (MBeanAttributeInfo attribute : SERVER.getMBeanInfo(ObjectNames.task(SUBTASK)).getAttributes()) {
            if (attribute.getName().equals(TaskAttributes.EPISODES)) {
                episodes = attribute;
            }
        }
        ArrayType<?> type = (ArrayType<?>) episodes.getDescriptor().getFieldValue("openType");
        assertEquals(type.getElementOpenType(), EpisodeData.TYPE);
    }

    private static AgentConfig config(String arguments) {
        try {
            return ConfigParser.parse(arguments, new Properties());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

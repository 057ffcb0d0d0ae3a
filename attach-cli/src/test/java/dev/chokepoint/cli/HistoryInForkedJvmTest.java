package dev.chokepoint.cli;

import dev.chokepoint.api.Episode;
import dev.chokepoint.api.ObjectNames;
import dev.chokepoint.api.Persistence;
import dev.chokepoint.api.TaskAttributes;
import dev.chokepoint.api.TaskMXBean;
import dev.chokepoint.cli.jmx.LocalJmxConnection;
import dev.chokepoint.cli.testing.FakeTaskApp;
import dev.chokepoint.cli.testing.JavaProcess;
import dev.chokepoint.cli.testing.LocalJvm;
import org.junit.jupiter.api.Test;

import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The history of real subtasks' threads in a child JVM, read over JMX: one that blocks in buffer
 * requests 3 s out of every 7 (on the child's own clock), one always blocked, one idle, one busy.
 */
class HistoryInForkedJvmTest {

    private static final String ARGS = "samples=20,delay=50ms,history=60s,historyStep=1s,frames="
            + FakeTaskApp.BUFFER_FRAME;
    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final String CYCLING = "Cycle (1/1)#0";

    @Test
    void burstsReadTemporaryASteadyBottleneckPersistentAndIdleNone() throws Exception {
        try (JavaProcess app = JavaProcess.builder(FakeTaskApp.class.getName()).javaagent(ARGS).start()) {
            app.awaitOutput(FakeTaskApp.READY, STARTUP);
            send(app, "cycle 3000 4000 " + CYCLING);
            try (LocalJmxConnection jmx = LocalJvm.connect(app.pid())) {
                MBeanServerConnection mbeans = jmx.mbeans();
                ObjectName cycling = ObjectNames.task(CYCLING);
                await().atMost(STARTUP).until(() -> mbeans.isRegistered(cycling));
                List<String> notified = new CopyOnWriteArrayList<>();
                NotificationListener listener = (notification, handback) -> {
                    if (notification.getType().startsWith("chokepoint.episode")) {
                        Episode episode = Episode.from((CompositeData) notification.getUserData());
                        notified.add(notification.getType() + (episode.isOngoing() ? " ongoing" : " ended"));
                    }
                };
                mbeans.addNotificationListener(cycling, listener, null, null);
                TaskMXBean cycle = JMX.newMXBeanProxy(mbeans, cycling, TaskMXBean.class);

                // two whole episodes of the cycling subtask (the first one may have begun before the MBean was there)
                List<Episode> ended = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                        .until(() -> Arrays.stream(cycle.getEpisodes()).filter(e -> !e.isOngoing())
                                .skip(1).collect(Collectors.toList()), list -> list.size() >= 2);
                for (Episode episode : ended) {
                    // 3 s blocked: three 1 s steps, give or take the two steps in which it switched
                    assertTrue(episode.getDurationMillis() >= 2000 && episode.getDurationMillis() <= 5000,
                            episode.toString());
                    assertEquals("HIGH", episode.getPeakLevel(), episode.toString());
                    assertEquals(episode.getStart() + episode.getDurationMillis(), episode.getEnd());
                }
                // 7 s apart, on the child's clock, to within a step either side
                long apart = ended.get(1).getStart() - ended.get(0).getStart();
                assertTrue(apart >= 6000 && apart <= 8000, ended.toString());
                assertEquals(Persistence.TEMPORARY.name(), cycle.getPersistence(), Arrays.toString(cycle.getEpisodes()));
                assertEquals(1000, cycle.getHistoryStepMillis());
                double[] history = (double[]) mbeans.getAttribute(cycling, TaskAttributes.HISTORY);
                assertTrue(history.length >= 10, Arrays.toString(history));
                assertTrue(Arrays.stream(history).anyMatch(r -> r > 0.9) && Arrays.stream(history).anyMatch(r -> r == 0.0),
                        Arrays.toString(history));
                // each episode that began while we listened was told when it started and when it ended
                await().atMost(STARTUP).until(() -> notified.stream().filter(n -> n.endsWith("ended")).count() >= 2);
                List<String> seen = notified.subList(notified.get(0).startsWith(Episode.NOTIFICATION_END) ? 1 : 0, 3);
                assertEquals(Arrays.asList(Episode.NOTIFICATION_START + " ongoing", Episode.NOTIFICATION_END + " ended"),
                        seen.subList(0, 2), notified.toString());

                TaskMXBean blocked = JMX.newMXBeanProxy(mbeans, ObjectNames.task("MapOp (1/2)#0"), TaskMXBean.class);
                assertEquals(Persistence.PERSISTENT.name(), blocked.getPersistence());
                Episode[] steady = blocked.getEpisodes();
                assertEquals(1, steady.length, Arrays.toString(steady));
                assertTrue(steady[0].isOngoing());
                assertEquals(Episode.ONGOING_END, steady[0].getEnd());

                for (String quiet : new String[] {"MapOp (2/2)#0", "Sink: Busy (1/1)#0"}) {
                    TaskMXBean task = JMX.newMXBeanProxy(mbeans, ObjectNames.task(quiet), TaskMXBean.class);
                    assertEquals(Persistence.NONE.name(), task.getPersistence(), quiet);
                    assertEquals(0, task.getEpisodes().length, quiet);
                    assertTrue(task.getHistory().length > 0, quiet);
                }
                mbeans.removeNotificationListener(cycling, listener);
            }
        }
    }

    private static void send(JavaProcess app, String command) throws java.io.IOException {
        OutputStream stdin = app.process().getOutputStream();
        stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }
}

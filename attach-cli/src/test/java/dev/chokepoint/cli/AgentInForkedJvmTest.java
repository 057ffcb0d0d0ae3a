package dev.chokepoint.cli;

import dev.chokepoint.api.AgentAttributes;
import dev.chokepoint.api.AgentThreads;
import dev.chokepoint.api.ObjectNames;
import dev.chokepoint.api.TaskAttributes;
import dev.chokepoint.cli.jmx.ChokepointReader;
import dev.chokepoint.cli.jmx.LocalJmxConnection;
import dev.chokepoint.cli.jmx.TaskSnapshot;
import dev.chokepoint.cli.testing.FakeTaskApp;
import dev.chokepoint.cli.testing.JavaProcess;
import dev.chokepoint.cli.testing.LocalJvm;
import org.junit.jupiter.api.Test;

import javax.management.AttributeChangeNotification;
import javax.management.MBeanServerConnection;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent in real child JVMs, loaded both ways, read over the attach API's local JMX connector. */
class AgentInForkedJvmTest {

    private static final int WINDOW = 20;
    private static final String ARGS = "samples=" + WINDOW + ",delay=10ms,frames=" + FakeTaskApp.BUFFER_FRAME;
    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final Set<String> SUBTASKS = new TreeSet<>(Arrays.asList(
            "Source: Fake (1/2)#0", "MapOp (1/2)#0", "MapOp (2/2)#0", "Sink: Busy (1/1)#0"));

    @Test
    void javaagentReportsEachSubtaskAndDropsFinishedOnes() throws Exception {
        try (JavaProcess app = JavaProcess.builder(FakeTaskApp.class.getName()).javaagent(ARGS).start()) {
            app.awaitOutput(FakeTaskApp.READY, STARTUP);
            try (LocalJmxConnection jmx = LocalJvm.connect(app.pid())) {
                ChokepointReader reader = new ChokepointReader(jmx.mbeans());
                Map<String, TaskSnapshot> tasks = awaitFullWindows(reader, SUBTASKS);
                assertFakeAppLevels(tasks);

                TaskSnapshot source = tasks.get("Source: Fake (1/2)#0");
                assertEquals("Source: Fake", source.vertex);
                assertEquals(0, source.subtask);
                assertEquals(2, source.parallelism);
                assertEquals(1, tasks.get("MapOp (2/2)#0").subtask);
                assertEquals(System.getProperty("chokepoint.version"),
                        reader.agentAttribute(AgentAttributes.VERSION).orElseThrow());
                // task thread + legacy source thread of the source, two maps, the sink; no helper, no outsider
                assertEquals(5, reader.agentAttribute(AgentAttributes.TASK_THREADS).orElseThrow());
                assertTrue(((String) reader.agentAttribute(AgentAttributes.CONFIG).orElseThrow())
                        .startsWith("samples=20,delay=10ms,"));
                // the typed settings the CLI reads: as given, the thresholds at their defaults
                assertEquals("samples=20,delay=10ms,low=0.1,high=0.5", reader.agentSettings().orElseThrow().toString());
                long ticks = (Long) reader.agentAttribute(AgentAttributes.SAMPLING_TICKS).orElseThrow();
                await().atMost(STARTUP)
                        .until(() -> (Long) reader.agentAttribute(AgentAttributes.SAMPLING_TICKS).orElseThrow() > ticks);
                assertTrue((Double) reader.agentAttribute(AgentAttributes.TICK_P99_MICROS).orElseThrow() > 0);
                // one thread's CPU time: more than nothing after all those ticks, never more than the time it had
                long cpu = (Long) reader.agentAttribute(AgentAttributes.SAMPLER_CPU_TIME_NANOS).orElseThrow();
                long uptimeNanos = 1_000_000L * (Long) jmx.mbeans().getAttribute(
                        new javax.management.ObjectName("java.lang:type=Runtime"), "Uptime");
                assertTrue(cpu > 0 && cpu < uptimeNanos, "sampler CPU " + cpu + " ns in " + uptimeNanos + " ns");

                send(app, "stop MapOp (2/2)#0");
                // Dropped within one window (20 ticks of 10 ms); a generous bound for a loaded machine.
                await().atMost(Duration.ofSeconds(10)).until(() -> !subtaskNames(reader).contains("MapOp (2/2)#0"));
                assertEquals(Set.of("Source: Fake (1/2)#0", "MapOp (1/2)#0", "Sink: Busy (1/1)#0"), subtaskNames(reader));

                send(app, "start MapOp (2/2)#1 blocked");
                Map<String, TaskSnapshot> restarted = awaitFullWindows(reader,
                        Set.of("Source: Fake (1/2)#0", "MapOp (1/2)#0", "MapOp (2/2)#1", "Sink: Busy (1/1)#0"));
                assertEquals("HIGH", restarted.get("MapOp (2/2)#1").backPressureLevel);
            }
        }
    }

    @Test
    void aLevelChangeIsNotifiedToJmxListeners() throws Exception {
        try (JavaProcess app = JavaProcess.builder(FakeTaskApp.class.getName()).javaagent(ARGS).start()) {
            app.awaitOutput(FakeTaskApp.READY, STARTUP);
            send(app, "start Switch (1/1)#0 switchable");
            try (LocalJmxConnection jmx = LocalJvm.connect(app.pid())) {
                ChokepointReader reader = new ChokepointReader(jmx.mbeans());
                Set<String> all = new TreeSet<>(SUBTASKS);
                all.add("Switch (1/1)#0");
                assertEquals("OK", awaitFullWindows(reader, all).get("Switch (1/1)#0").backPressureLevel);

                List<String> changes = new CopyOnWriteArrayList<>();
                NotificationListener listener = (notification, handback) -> {
                    AttributeChangeNotification change = (AttributeChangeNotification) notification;
                    changes.add(change.getAttributeName() + " " + change.getOldValue() + "->" + change.getNewValue());
                };
                jmx.mbeans().addNotificationListener(ObjectNames.task("Switch (1/1)#0"), listener, null, null);

                String level = TaskAttributes.BACK_PRESSURE_LEVEL + " ";
                send(app, "switch Switch (1/1)#0");
                // OK -> LOW as the window fills with blocked samples, then LOW -> HIGH
                await().atMost(STARTUP).until(() -> changes.contains(level + "LOW->HIGH"));
                assertEquals(level + "OK->LOW", changes.get(0));
                send(app, "switch Switch (1/1)#0");
                await().atMost(STARTUP).until(() -> changes.contains(level + "LOW->OK"));
                assertEquals(Arrays.asList(level + "OK->LOW", level + "LOW->HIGH", level + "HIGH->LOW", level + "LOW->OK"),
                        changes);
            }
        }
    }

    @Test
    void attachStartsTheMonitorAndASecondAttachReconfiguresIt() throws Exception {
        try (JavaProcess app = JavaProcess.builder(FakeTaskApp.class.getName()).start()) {
            app.awaitOutput(FakeTaskApp.READY, STARTUP);
            try (LocalJmxConnection jmx = LocalJvm.connect(app.pid())) {
                ChokepointReader reader = new ChokepointReader(jmx.mbeans());
                assertFalse(reader.agentLoaded());

                LocalJvm.loadAgent(app.pid(), JavaProcess.agentJar().toString(), ARGS);
                assertFakeAppLevels(awaitFullWindows(reader, SUBTASKS));

                LocalJvm.loadAgent(app.pid(), JavaProcess.agentJar().toString(),
                        "samples=7,delay=15ms,high=0.9,frames=" + FakeTaskApp.BUFFER_FRAME);
                await().atMost(STARTUP).until(() -> reader.agentAttribute(AgentAttributes.CONFIG).orElseThrow().toString()
                        .startsWith("samples=7,delay=15ms,"));
                // settings not given return to their defaults (low); the typed attributes follow the reconfiguration
                assertEquals("samples=7,delay=15ms,low=0.1,high=0.9", reader.agentSettings().orElseThrow().toString());
                Map<String, TaskSnapshot> tasks = awaitFullWindows(reader, SUBTASKS);
                tasks.values().forEach(t -> assertEquals(7, t.samples, t.toString()));
                assertFakeAppLevels(tasks);
                assertEquals(1, samplerThreads(jmx.mbeans()), "a second attach must not start a second sampler");
                assertEquals(SUBTASKS.size(), jmx.mbeans().queryNames(ObjectNames.ALL_TASKS, null).size());
                assertEquals(1, jmx.mbeans().queryNames(new ObjectName(ObjectNames.DOMAIN + ":*"), null).size()
                        - SUBTASKS.size());
            }
            assertEquals(1, countLines(app.output(), "[chokepoint] ") - countLines(app.output(), "reconfigured"),
                    "one start line, then one line per reconfiguration:\n" + app.output());
        }
    }

    @Test
    void jcmdLoadsTheAgentAsTheReadmeSays() throws Exception {
        try (JavaProcess app = JavaProcess.builder(FakeTaskApp.class.getName()).start()) {
            app.awaitOutput(FakeTaskApp.READY, STARTUP);
            // jcmd splits its arguments at '=', hence the inner quotes the README shows
            Process jcmd = new ProcessBuilder(JavaProcess.jdkTool("jcmd").toString(),
                    Long.toString(app.pid()), "JVMTI.agent_load", JavaProcess.agentJar().toString(), '"' + ARGS + '"')
                    .redirectErrorStream(true).start();
            String jcmdOutput = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, jcmd.waitFor(), jcmdOutput);
            try (LocalJmxConnection jmx = LocalJvm.connect(app.pid())) {
                assertFakeAppLevels(awaitFullWindows(new ChokepointReader(jmx.mbeans()), SUBTASKS));
            }
        }
    }

    @Test
    void badArgumentLeavesTheAgentOffAndTheHostRunning() throws Exception {
        try (JavaProcess app = JavaProcess.builder(FakeTaskApp.class.getName()).javaagent("delay=-5ms").start()) {
            app.awaitOutput(FakeTaskApp.READY, STARTUP);
            try (LocalJmxConnection jmx = LocalJvm.connect(app.pid())) {
                assertFalse(new ChokepointReader(jmx.mbeans()).agentLoaded());
                assertEquals(0, samplerThreads(jmx.mbeans()));
            }
            String output = app.output();
            List<String> agentLines = output.lines().filter(l -> l.startsWith("[chokepoint]")).collect(Collectors.toList());
            assertEquals(1, agentLines.size(), output);
            assertTrue(agentLines.get(0).contains("agent disabled") && agentLines.get(0).contains("delay"), output);
            assertTrue(app.isAlive());
        }
    }

    private static void assertFakeAppLevels(Map<String, TaskSnapshot> tasks) {
        // the legacy source thread blocks, so its subtask does, though the task thread idles
        assertEquals("HIGH", tasks.get("Source: Fake (1/2)#0").backPressureLevel, tasks.toString());
        assertEquals(1.0, tasks.get("Source: Fake (1/2)#0").backPressureRatio);
        assertEquals(2, tasks.get("Source: Fake (1/2)#0").levelCode);
        assertEquals("HIGH", tasks.get("MapOp (1/2)#0").backPressureLevel, tasks.toString());
        assertEquals("OK", tasks.get("MapOp (2/2)#0").backPressureLevel, tasks.toString());
        assertEquals(0, tasks.get("MapOp (2/2)#0").blockedSamples);
        assertEquals("OK", tasks.get("Sink: Busy (1/1)#0").backPressureLevel, tasks.toString());
        assertEquals(0, tasks.get("Sink: Busy (1/1)#0").levelCode);
    }

    /** Waits until exactly {@code names} are reported, each with a full window, and returns them by name. */
    static Map<String, TaskSnapshot> awaitFullWindows(ChokepointReader reader, Set<String> names) {
        return await().atMost(STARTUP).pollInterval(Duration.ofMillis(100)).until(() -> {
            List<TaskSnapshot> tasks = reader.tasks();
            Map<String, TaskSnapshot> byName = tasks.stream().collect(Collectors.toMap(t -> t.thread, Function.identity()));
            int window = windowOf(reader);
            boolean full = !tasks.isEmpty() && tasks.stream().allMatch(t -> t.samples == window);
            return byName.keySet().equals(names) && full ? byName : null;
        }, Objects::nonNull);
    }

    private static int windowOf(ChokepointReader reader) throws IOException {
        return (Integer) reader.agentAttribute(AgentAttributes.SAMPLES).orElseThrow();
    }

    private static Set<String> subtaskNames(ChokepointReader reader) throws IOException {
        return reader.tasks().stream().map(t -> t.thread).collect(Collectors.toCollection(TreeSet::new));
    }

    private static long samplerThreads(MBeanServerConnection mbeans) throws IOException {
        ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(
                mbeans, ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
        return Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds()))
                .filter(Objects::nonNull)
                .map(ThreadInfo::getThreadName)
                .filter(AgentThreads.SAMPLER::equals)
                .count();
    }

    private static long countLines(String output, String text) {
        return output.lines().filter(l -> l.contains(text)).count();
    }

    private static void send(JavaProcess app, String command) throws IOException {
        OutputStream stdin = app.process().getOutputStream();
        stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }
}

package dev.chokepoint.cli;

import dev.chokepoint.api.AgentAttributes;
import dev.chokepoint.api.AgentThreads;
import dev.chokepoint.api.ObjectNames;
import dev.chokepoint.api.SystemProperties;
import dev.chokepoint.cli.jmx.ChokepointReader;
import dev.chokepoint.cli.jmx.LocalJmxConnection;
import dev.chokepoint.cli.jmx.TaskSnapshot;
import dev.chokepoint.cli.testing.Cli;
import dev.chokepoint.cli.testing.FakeTaskApp;
import dev.chokepoint.cli.testing.JavaProcess;
import dev.chokepoint.cli.testing.LocalJvm;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Detach and re-attach, 20 cycles, in one running JVM (issue 7): odd cycles detach through the
 * Agent MBean's {@code detach} operation, even ones through the CLI jar's {@code chokepoint detach}.
 * After each detach: no {@code chokepoint-sampler} thread, no {@code chokepoint:*} MBean, the
 * version property gone. Across cycles: the loaded class count (after a GC) does not grow once the
 * first cycle has loaded the agent's classes, and the JVM's own threads are those it had before
 * the first attach. Then an attach still works and reports the right levels.
 *
 * <p>Why the class bound: a dynamically loaded agent's jar joins the system class loader, which
 * never unloads, so the agent's classes, loaded by the first cycle, are reused by every later one
 * (same jar path: same classes). Measured with {@code -Xlog:class+load} on JDK 17: everything
 * loaded after the first cycle was {@code jdk.internal.reflect.GeneratedMethodAccessorN}, the JDK's
 * "reflection inflation" (a bytecode accessor per reflective {@code Method} once it has been invoked
 * 15 times: JMX calls MXBean getters reflectively), 51 classes in steps over 20 cycles, bounded
 * by the number of distinct methods, not by cycles, plus 2 JDK classes ({@code UnicastRemoteObject},
 * {@code Vector$1}) the first time the CLI's detach path runs. The child therefore runs with
 * inflation off ({@link #NO_REFLECTION_INFLATION}; JDK 18+ has no inflation at all), and the
 * last ten cycles must add (almost) none. On JDK 25 the first cycles also add some 100 of the JDK's
 * own {@code LambdaForm} hidden classes (method-handle plumbing of JMX and RMI, spun once per shape),
 * so a fixed slack after the first cycle does not hold there; instead the child logs its class
 * loading, and every class of ours must be loaded exactly once over all cycles. A leak of one class
 * per attach or detach (a generated class, a new class loader) fails both checks.
 */
class DetachCyclesIT {

    /** Classes the JDK may load lazily during the last ten cycles; a per-cycle leak would add ten. */
    private static final int LATE_JDK_CLASSES = 3;

    private static final int CYCLES = 20;
    private static final String NO_REFLECTION_INFLATION = "-Dsun.reflect.inflationThreshold=2147483647";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String ARGS = "samples=10,delay=10ms,frames=" + FakeTaskApp.BUFFER_FRAME;
    private static final Set<String> SUBTASKS = Set.of(
            "Source: Fake (1/2)#0", "MapOp (1/2)#0", "MapOp (2/2)#0", "Sink: Busy (1/1)#0");
    /** Threads of the attach API's JMX connector and of RMI: they come and go with connections (the CLI's own). */
    private static final String TRANSIENT_THREADS = "^(RMI |JMX |Attach Listener$|process reaper$).*";

    @Test
    void twentyDetachAttachCyclesLeaveNothingBehind() throws Exception {
        Path classLog = Files.createDirectories(Paths.get("target", "tmp").toAbsolutePath()).resolve("detach-cycles-classes.log");
        Files.deleteIfExists(classLog);
        try (JavaProcess app = JavaProcess.builder(FakeTaskApp.class.getName())
                .jvmArgs(NO_REFLECTION_INFLATION, "-Xlog:class+load=info:file=" + classLog)
                .logName("DetachCyclesIT").start()) {
            app.awaitOutput(FakeTaskApp.READY, TIMEOUT);
            try (LocalJmxConnection jmx = LocalJvm.connect(app.pid())) {
                MBeanServerConnection mbeans = jmx.mbeans();
                ChokepointReader reader = new ChokepointReader(mbeans);
                ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(
                        mbeans, ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
                ClassLoadingMXBean classes = ManagementFactory.newPlatformMXBeanProxy(
                        mbeans, ManagementFactory.CLASS_LOADING_MXBEAN_NAME, ClassLoadingMXBean.class);
                MemoryMXBean memory = ManagementFactory.newPlatformMXBeanProxy(
                        mbeans, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);

                Set<String> threadsBefore = hostThreads(threads);
                int threadCountBefore = threads.getThreadCount();
                List<Integer> loaded = new ArrayList<>();
                List<Integer> threadCounts = new ArrayList<>();
                for (int cycle = 1; cycle <= CYCLES; cycle++) {
                    LocalJvm.loadAgent(app.pid(), JavaProcess.agentJar().toString(), ARGS);
                    await().atMost(TIMEOUT).until(() -> subtasks(reader).equals(SUBTASKS)
                            && ((Long) reader.agentAttribute(AgentAttributes.SAMPLING_TICKS).orElse(0L)) > 0);
                    assertEquals(1, samplerThreads(threads), "cycle " + cycle + ": one sampler");

                    if (cycle % 2 == 1) {
                        Object result = mbeans.invoke(ObjectNames.AGENT, AgentAttributes.DETACH, new Object[0],
                                new String[0]);
                        assertEquals("detached", result, "cycle " + cycle);
                    } else {
                        Cli detach = Cli.run("detach", Long.toString(app.pid()));
                        assertEquals(0, detach.exitCode, detach::toString);
                        assertEquals("detached: Chokepoint left JVM " + app.pid() + "\n", detach.out, detach::toString);
                    }
                    assertEquals(Set.of(), mbeans.queryNames(new ObjectName(ObjectNames.DOMAIN + ":*"), null),
                            "cycle " + cycle + ": no MBean left");
                    assertEquals(0, samplerThreads(threads), "cycle " + cycle + ": no sampler thread left");
                    assertTrue(!versionPropertySet(mbeans), "cycle " + cycle + ": version property cleared");

                    memory.gc();
                    loaded.add(classes.getLoadedClassCount());
                    threadCounts.add(threads.getThreadCount());
                }
                String history = "loaded classes after each cycle: " + loaded + "\nthreads after each cycle: " + threadCounts
                        + " (before: " + threadCountBefore + ")";
                System.out.println("DetachCyclesIT " + history);

                Map<String, Long> ours = Files.readAllLines(classLog).stream()
                        .map(line -> line.replaceFirst("^.*\\[class,load\\] ", "").split(" ")[0])
                        .filter(name -> name.startsWith("dev.chokepoint."))
                        .collect(Collectors.groupingBy(name -> name, Collectors.counting()));
                assertTrue(ours.size() > 20, "the class log shows the agent's classes: " + ours.keySet());
                assertEquals(Map.of(), ours.entrySet().stream().filter(e -> e.getValue() > 1)
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)),
                        "classes of ours loaded more than once over " + CYCLES + " cycles\n" + history);
                // A class leaked per cycle adds ten over the last ten cycles; the JDK may still load one or
                // two of its own classes late (seen: one, at cycle 16), which is not growth per cycle.
                int tenthCycle = loaded.get(CYCLES / 2 - 1);
                assertTrue(loaded.get(CYCLES - 1) - tenthCycle <= LATE_JDK_CLASSES,
                        "classes still grow over the last ten cycles\n" + history);
                assertEquals(threadsBefore, hostThreads(threads), "the JVM's own threads are back to those before\n" + history);

                // attaching again works and reports what it should
                LocalJvm.loadAgent(app.pid(), JavaProcess.agentJar().toString(), ARGS);
                Map<String, TaskSnapshot> tasks = AgentInForkedJvmTest.awaitFullWindows(reader, SUBTASKS);
                assertEquals("HIGH", tasks.get("Source: Fake (1/2)#0").backPressureLevel, tasks.toString());
                assertEquals("HIGH", tasks.get("MapOp (1/2)#0").backPressureLevel, tasks.toString());
                assertEquals("OK", tasks.get("MapOp (2/2)#0").backPressureLevel, tasks.toString());
                assertEquals("OK", tasks.get("Sink: Busy (1/1)#0").backPressureLevel, tasks.toString());
                assertEquals(1, samplerThreads(threads));
            }
            long started = app.output().lines().filter(l -> l.contains(" started (attach): ")).count();
            assertEquals(CYCLES + 1, started, app.output());
            assertTrue(app.output().lines().noneMatch(l -> l.contains("ERROR")), app.output());
        }
    }

    private static Set<String> subtasks(ChokepointReader reader) throws IOException {
        return reader.tasks().stream().map(t -> t.thread).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The host's threads by name, without the JMX/RMI/attach threads our own connections cause. */
    private static Set<String> hostThreads(ThreadMXBean threads) {
        return Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds())).filter(Objects::nonNull)
                .map(ThreadInfo::getThreadName).filter(n -> !n.matches(TRANSIENT_THREADS))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static long samplerThreads(ThreadMXBean threads) {
        return Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds())).filter(Objects::nonNull)
                .map(ThreadInfo::getThreadName).filter(AgentThreads.SAMPLER::equals).count();
    }

    private static boolean versionPropertySet(MBeanServerConnection mbeans) throws IOException {
        return ManagementFactory.newPlatformMXBeanProxy(mbeans, ManagementFactory.RUNTIME_MXBEAN_NAME,
                java.lang.management.RuntimeMXBean.class).getSystemProperties().containsKey(SystemProperties.AGENT_VERSION);
    }
}

package dev.chokepoint.cli;

import dev.chokepoint.api.AgentAttributes;
import dev.chokepoint.api.ObjectNames;
import dev.chokepoint.cli.jmx.ChokepointReader;
import dev.chokepoint.cli.jmx.LocalJmxConnection;
import dev.chokepoint.cli.testing.FakeTaskApp;
import dev.chokepoint.cli.testing.JavaProcess;
import dev.chokepoint.cli.testing.LocalJvm;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bridge of another agent build already on the bootstrap class path (issue 14): the agent must
 * not link against it. Stands in for a bridge an older agent left behind: a
 * {@code dev.chokepoint.bootstrap.ChokepointBridge} of another shape (another {@code VERSION}, no
 * {@code Handler}), compiled here and put on the child's {@code -Xbootclasspath/a}. The agent then
 * times nothing, says so once, samples on, and detaches.
 */
class StaleBridgeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Set<String> SUBTASKS = Set.of(
            "Source: Fake (1/2)#0", "MapOp (1/2)#0", "MapOp (2/2)#0", "Sink: Busy (1/1)#0");

    @Test
    void aBridgeOfAnotherBuildTurnsTimingOffAndLeavesTheRestRunning() throws Exception {
        Path stale = staleBridge();
        String args = "samples=10,delay=10ms,frames=" + FakeTaskApp.BUFFER_FRAME;
        try (JavaProcess app = JavaProcess.builder(FakeTaskApp.class.getName())
                .jvmArgs("-Xbootclasspath/a:" + stale).javaagent(args).logName("StaleBridge").start()) {
            app.awaitOutput(FakeTaskApp.READY, TIMEOUT);
            try (LocalJmxConnection jmx = LocalJvm.connect(app.pid())) {
                MBeanServerConnection mbeans = jmx.mbeans();
                ChokepointReader reader = new ChokepointReader(mbeans);
                SamplerFaultsTest.assertLevels(AgentInForkedJvmTest.awaitFullWindows(reader, SUBTASKS));

                String instrumentation = (String) reader.agentAttribute(AgentAttributes.INSTRUMENTATION).orElseThrow();
                assertEquals("off: the bootstrap class path holds a ChokepointBridge of another agent build"
                        + " (bridge version 0, this agent's is 1)", instrumentation);
                assertTrue(reader.tasks().stream().allMatch(t -> Double.isNaN(t.backPressuredTimeMsPerSecond)),
                        reader.tasks().toString());
                // the sampler lives: ticks go on, nothing failed, reading the bridge's counter included
                long ticks = (long) SamplerFaultsTest.number(reader, AgentAttributes.SAMPLING_TICKS);
                await().atMost(TIMEOUT).until(() -> SamplerFaultsTest.number(reader, AgentAttributes.SAMPLING_TICKS) >= ticks + 50);
                assertEquals(0.0, SamplerFaultsTest.number(reader, AgentAttributes.SAMPLING_ERRORS));
                assertEquals(0.0, SamplerFaultsTest.number(reader, AgentAttributes.INSTRUMENTATION_ERRORS));

                assertEquals("detached", mbeans.invoke(ObjectNames.AGENT, AgentAttributes.DETACH, new Object[0], new String[0]));
                assertEquals(Set.of(), mbeans.queryNames(new ObjectName(ObjectNames.DOMAIN + ":*"), null));
            }
            List<String> lines = app.output().lines().filter(l -> l.contains("another agent build")).collect(Collectors.toList());
            assertEquals(List.of("[chokepoint] ERROR buffer-request timing off: the bootstrap class path holds a"
                    + " ChokepointBridge of another agent build (bridge version 0, this agent's is 1); it is left alone,"
                    + " stack sampling goes on; restart the JVM to time buffer requests with this agent"), lines, app.output());
            assertTrue(app.output().lines().noneMatch(l -> l.contains("ERROR") && !l.contains("another agent build")),
                    app.output());
            assertTrue(app.isAlive());
        }
    }

    /** A bridge of another shape: version 0, an {@code install(Object)}, no {@code Handler}, no counters. */
    private static Path staleBridge() throws Exception {
        Path dir = Files.createDirectories(Paths.get("target", "tmp").toAbsolutePath())
                .resolve("stale-bridge-" + System.nanoTime());
        Path source = Files.createDirectories(dir.resolve("src/dev/chokepoint/bootstrap")).resolve("ChokepointBridge.java");
        Files.write(source, String.join("\n",
                "package dev.chokepoint.bootstrap;",
                "public final class ChokepointBridge {",
                "    public static final int VERSION = 0;",
                "    public static void install(Object handler) {",
                "    }",
                "}").getBytes(StandardCharsets.UTF_8));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "--release", "8", "-d", classes.toString(), source.toString()));
        return classes;
    }
}

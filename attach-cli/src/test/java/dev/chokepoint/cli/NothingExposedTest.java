package dev.chokepoint.cli;

import dev.chokepoint.api.AgentThreads;
import dev.chokepoint.cli.testing.FakeTaskApp;
import dev.chokepoint.cli.testing.JavaProcess;
import dev.chokepoint.cli.testing.ListeningSockets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Loading the agent opens no listening socket (issue 7, "nothing exposed"). Two real JVMs run
 * {@link FakeTaskApp}, one with {@code -javaagent} (sampling its fake task threads, MBeans
 * registered), one without; for each, the test reads from {@code /proc} which sockets the process
 * holds ({@code /proc/<pid>/fd} → {@code socket:[inode]}) and which of them listen (TCP in state
 * LISTEN in {@code /proc/<pid>/net/tcp}/{@code tcp6}, any bound UDP socket, a Unix socket in
 * state listening in {@code /proc/<pid>/net/unix}). No JMX here: the attach API's local connector
 * would itself listen on loopback. Linux only (skipped elsewhere).
 *
 * <p>The host without the agent is asked to create the platform MBean server ({@code jmx}), as the
 * agent does to export its MBeans: on JDK 17 that alone makes the JVM hold one connected, unnamed
 * Unix stream socket (not listening), with or without the agent. With that, the agent's JVM must
 * hold exactly as many sockets as the plain one, and neither listens.
 */
class NothingExposedTest {

    private static final String ARGS = "samples=10,delay=10ms,frames=" + FakeTaskApp.BUFFER_FRAME;

    @Test
    void theAgentOpensNoListeningSocketAndNoSocketAtAll() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Paths.get("/proc/self/fd")), "needs Linux /proc");
        ListeningSockets without;
        try (JavaProcess app = JavaProcess.builder(FakeTaskApp.class.getName()).logName("NothingExposed-without").start()) {
            app.awaitOutput(FakeTaskApp.READY, Duration.ofSeconds(30));
            // the same footing as the agent, which creates the JDK's platform MBean server
            SamplerFaultsTest.send(app, "jmx");
            app.awaitOutput("platform MBean server ready", Duration.ofSeconds(30));
            Thread.sleep(500);
            without = ListeningSockets.of(app.pid());
        }
        ListeningSockets with;
        try (JavaProcess app = JavaProcess.builder(FakeTaskApp.class.getName()).javaagent(ARGS)
                .logName("NothingExposed-with").start()) {
            app.awaitOutput(FakeTaskApp.READY, Duration.ofSeconds(30));
            // the sampler runs (Linux shows thread names truncated to 15 characters)...
            String sampler = AgentThreads.SAMPLER.substring(0, Math.min(15, AgentThreads.SAMPLER.length()));
            await().atMost(Duration.ofSeconds(30)).until(() -> threadNames(app.pid()).contains(sampler));
            // ...and has done some 50 ticks, registering its MBeans on the way
            Thread.sleep(500);
            with = ListeningSockets.of(app.pid());
            assertEquals(List.of(), with.listening, "listening sockets with the agent: " + with);
            assertEquals(without.listening, with.listening);
            assertEquals(without.all.size(), with.all.size(), "the agent opens no socket at all: without " + without
                    + ", with " + with);
        }
        assertEquals(List.of(), without.listening, "the host alone listens on nothing either: " + without);
    }

    /** The control: the same reading does see a port a JVM listens on (JDWP on an ephemeral loopback port). */
    @Test
    void theReadingSeesAListeningPort() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Paths.get("/proc/self/fd")), "needs Linux /proc");
        try (JavaProcess app = JavaProcess.builder(FakeTaskApp.class.getName())
                .jvmArgs("-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0")
                .logName("NothingExposed-control").start()) {
            app.awaitOutput(FakeTaskApp.READY, Duration.ofSeconds(30));
            ListeningSockets sockets = ListeningSockets.of(app.pid());
            assertEquals(1, sockets.listening.size(), sockets.toString());
            assertTrue(sockets.listening.get(0).startsWith("tcp LISTEN 0100007F:"), sockets.toString());
        }
    }

    private static Set<String> threadNames(long pid) throws IOException {
        Set<String> names = new TreeSet<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Paths.get("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    names.add(Files.readString(task.resolve("comm")).trim());
                } catch (IOException ended) {
                    // the thread ended while we listed
                }
            }
        }
        return names;
    }
}

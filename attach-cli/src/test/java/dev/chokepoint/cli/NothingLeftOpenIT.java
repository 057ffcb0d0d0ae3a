package dev.chokepoint.cli;

import com.sun.tools.attach.VirtualMachine;
import dev.chokepoint.api.AgentThreads;
import dev.chokepoint.api.ObjectNames;
import dev.chokepoint.api.SystemProperties;
import dev.chokepoint.cli.jmx.LocalJmxConnection;
import dev.chokepoint.cli.testing.Cli;
import dev.chokepoint.cli.testing.FakeTaskApp;
import dev.chokepoint.cli.testing.JavaProcess;
import dev.chokepoint.cli.testing.ListeningSockets;
import dev.chokepoint.cli.testing.LocalJvm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14: after any {@code chokepoint} command has returned ({@code attach}, {@code status},
 * {@code status --watch}, {@code detach}), the target listens on no socket it did not listen on
 * before, read from Linux {@code /proc} ({@link ListeningSockets}); and {@code status} loads no
 * agent into a JVM that is not Flink. Real CLI jar, real child JVMs ({@link FakeTaskApp}) on the
 * test's JDK or {@code -Dchokepoint.test.java.home}.
 *
 * <p>The one socket left out of the comparison is the JDK's attach listener, the Unix socket
 * {@code /tmp/.java_pid<pid>} that a JVM opens at the first attach by any tool and keeps: it is the
 * attach mechanism itself, a file only the JVM's own user (or root) can open. The test says so
 * rather than hide it: it checks that this is the only new listening socket.
 */
class NothingLeftOpenIT {

    private static final Duration STARTUP = Duration.ofSeconds(30);
    /** The CLI's connection is closed when it exits; the agent closes its connector right after. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(3);

    @BeforeEach
    void linuxOnly() {
        Assumptions.assumeTrue(ListeningSockets.supported(), "needs Linux /proc");
    }

    private static JavaProcess fakeApp(String marker, String... jvmArgs) throws Exception {
        JavaProcess.Builder builder = JavaProcess.builder(FakeTaskApp.class.getName()).logName("NothingLeftOpen");
        if (JavaProcess.javaFeatureVersion() >= 21) {
            builder.jvmArgs("-XX:+EnableDynamicAgentLoading");
        }
        JavaProcess app = builder.jvmArgs(jvmArgs).args(marker).start();
        app.awaitOutput(FakeTaskApp.READY, STARTUP);
        return app;
    }

    @Test
    void attachStatusWatchAndDetachLeaveNoListeningSocket() throws Exception {
        String marker = "left-open-" + System.nanoTime();
        try (JavaProcess app = fakeApp(marker)) {
            long pid = app.pid();
            ListeningSockets before = ListeningSockets.of(pid);
            assertEquals(Set.of(), before.listeningBesidesAttach(pid), "the host alone listens on nothing: " + before);

            run(app, "attach", Long.toString(pid), "--set", "samples=10", "--set", "delay=10ms",
                    "--set", "frames=" + FakeTaskApp.BUFFER_FRAME);
            run(app, "status", Long.toString(pid), "--wait");
            run(app, "status", Long.toString(pid), "--json", "--watch", "0.2", "--count", "3");
            run(app, "attach", Long.toString(pid), "--set", "samples=7", "--set", "frames=" + FakeTaskApp.BUFFER_FRAME);
            run(app, "detach", Long.toString(pid));
            // nothing of the agent's JMX connector is left running either
            assertFalse(threadNames(pid).stream().anyMatch(t -> t.startsWith("RMI TCP Accept")), () -> "threads "
                    + threadNamesQuietly(pid));
        }
    }

    /**
     * While a {@code status --watch} runs, the agent's connector listens on the loopback address
     * only; stopping the CLI (SIGTERM, as Ctrl-C) closes it.
     */
    @Test
    void aWatchListensOnLoopbackOnlyAndStoppingItClosesTheConnector() throws Exception {
        String marker = "left-open-watch-" + System.nanoTime();
        try (JavaProcess app = fakeApp(marker, "-javaagent:" + JavaProcess.agentJar() + "=samples=10,delay=10ms,frames="
                + FakeTaskApp.BUFFER_FRAME)) {
            long pid = app.pid();
            ListeningSockets before = ListeningSockets.of(pid);
            Path out = Files.createDirectories(Paths.get("target", "cli-runs")).resolve("watch-" + System.nanoTime() + ".txt");
            Process watch = new ProcessBuilder(Cli.java(), "-jar", Cli.jar().toString(), "status", Long.toString(pid),
                    "--watch", "0.5").redirectErrorStream(true).redirectOutput(out.toFile()).start();
            try {
                long deadline = System.nanoTime() + STARTUP.toNanos();
                while (!Files.readString(out).contains("Source: Fake") && System.nanoTime() < deadline) {
                    assertTrue(watch.isAlive(), () -> "the watch ended: " + readQuietly(out));
                    Thread.sleep(100);
                }
                Set<String> during = ListeningSockets.of(pid).listeningBesidesAttach(pid);
                during.removeAll(before.listeningBesidesAttach(pid));
                assertEquals(1, during.size(), () -> "one new listening socket while connected: " + during);
                String socket = during.iterator().next();
                // 127.0.0.1, as IPv4 (0100007F) or IPv4-mapped IPv6 (::ffff:127.0.0.1)
                assertTrue(socket.matches("tcp LISTEN 0100007F:\\w+ .*")
                        || socket.matches("tcp6 LISTEN 0000000000000000FFFF00000100007F:\\w+ .*"), socket);
            } finally {
                watch.destroy();
                assertTrue(watch.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the watch did not stop");
            }
            assertSameListening(pid, before, null);
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void aConnectorTheJvmAlreadyHasIsReusedAndNothingNewOpens() throws Exception {
        String marker = "left-open-reuse-" + System.nanoTime();
        try (JavaProcess app = fakeApp(marker, "-javaagent:" + JavaProcess.agentJar() + "=samples=10,delay=10ms,frames="
                + FakeTaskApp.BUFFER_FRAME)) {
            long pid = app.pid();
            // as if the user had run jconsole: the JDK's local connector, listening on an ephemeral port
            try (LocalJmxConnection jconsole = LocalJvm.connect(pid)) {
                ListeningSockets before = ListeningSockets.of(pid);
                assertEquals(1, before.listeningBesidesAttach(pid).size(), before.toString());
                run(app, "status", Long.toString(pid), "--wait");
                run(app, "detach", Long.toString(pid));
                assertFalse(app.output().contains("[chokepoint] private JMX connector"), app.output());
            }
        }
    }

    @Test
    void statusLoadsNoAgentIntoAJvmThatIsNotFlink() throws Exception {
        String marker = "not-flink-" + System.nanoTime();
        try (JavaProcess app = fakeApp(marker)) {
            long pid = app.pid();
            ListeningSockets before = ListeningSockets.of(pid);
            Cli status = Cli.run("status", Long.toString(pid));
            assertEquals(1, status.exitCode, status::toString);
            String[] lines = status.err.split("\n");
            assertTrue(lines[0].startsWith("chokepoint: error: JVM " + pid + " does not look like Flink"), status::toString);
            assertTrue(lines.length > 1 && lines[1].contains("chokepoint attach " + pid)
                    && lines[1].contains("--force"), status::toString);
            assertSameListening(pid, before, status);

            Thread.sleep(500);
            assertFalse(threadNames(pid).stream().anyMatch(t -> t.equals(AgentThreads.SAMPLER.substring(0, 15))), "no sampler thread");
            assertFalse(app.output().contains("[chokepoint]"), app.output());
            assertFalse(systemProperties(pid).containsKey(SystemProperties.AGENT_VERSION));
            try (LocalJmxConnection jmx = LocalJvm.connect(pid)) {
                assertFalse(jmx.mbeans().isRegistered(ObjectNames.AGENT), "no Agent MBean");
            }
        }
    }

    @Test
    void statusForceLoadsTheAgentIntoAJvmThatIsNotFlinkAndLeavesNothingOpen() throws Exception {
        String marker = "not-flink-force-" + System.nanoTime();
        try (JavaProcess app = fakeApp(marker, "-Dchokepoint.samples=10", "-Dchokepoint.delay=10ms",
                "-Dchokepoint.frames=" + FakeTaskApp.BUFFER_FRAME)) {
            Cli status = run(app, "status", "--force", Long.toString(app.pid()), "--wait");
            assertTrue(status.out.matches("(?s).*\nSource: Fake +HIGH +1\\.00( [^\n]*)?\n.*"), status::toString);
            assertTrue(systemProperties(app.pid()).containsKey(SystemProperties.AGENT_VERSION));
        }
    }

    /** Runs a command that must succeed, and checks that the target listens on what it did before. */
    private static Cli run(JavaProcess app, String... args) throws Exception {
        ListeningSockets before = ListeningSockets.of(app.pid());
        Cli cli = Cli.run(args);
        assertEquals(0, cli.exitCode, () -> cli + "\n--- target\n" + app.output());
        assertSameListening(app.pid(), before, cli);
        return cli;
    }

    private static void assertSameListening(long pid, ListeningSockets before, Cli cli) throws Exception {
        long start = System.nanoTime();
        long deadline = start + CLOSE_GRACE.toNanos();
        ListeningSockets after = ListeningSockets.of(pid);
        while (!after.listeningBesidesAttach(pid).equals(before.listeningBesidesAttach(pid)) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            after = ListeningSockets.of(pid);
        }
        // the measurement, for the README: how long after the CLI ended the connector was still listening
        System.out.println("NothingLeftOpenIT: JVM " + pid + " listened as before " + (System.nanoTime() - start) / 1_000_000
                + " ms after " + (cli == null ? "the watch was stopped" : "the command returned"));
        assertEquals(before.listeningBesidesAttach(pid), after.listeningBesidesAttach(pid),
                "listening sockets of JVM " + pid + " before and after the command: before " + before + ", after " + after
                        + "\n" + cli);
        for (String socket : after.listening) {
            if (ListeningSockets.isAttachListener(socket, pid)) {
                Path file = Paths.get("/tmp", ".java_pid" + pid);
                assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(file)), "the attach listener is the JVM user's alone");
            }
        }
    }

    private static Properties systemProperties(long pid) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        try {
            return vm.getSystemProperties();
        } finally {
            vm.detach();
        }
    }

    private static Set<String> threadNamesQuietly(long pid) {
        try {
            return threadNames(pid);
        } catch (IOException e) {
            return Set.of(e.toString());
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

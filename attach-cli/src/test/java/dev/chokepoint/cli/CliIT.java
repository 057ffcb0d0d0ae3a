package dev.chokepoint.cli;

import dev.chokepoint.api.AgentThreads;
import dev.chokepoint.api.Cause;
import dev.chokepoint.api.ObjectNames;
import dev.chokepoint.api.StatusJson;
import dev.chokepoint.api.SystemProperties;
import dev.chokepoint.cli.jmx.LocalJmxConnection;
import dev.chokepoint.cli.report.JsonReportTestAccess;
import dev.chokepoint.cli.testing.Cli;
import dev.chokepoint.cli.testing.FakeTaskApp;
import dev.chokepoint.cli.testing.JavaProcess;
import dev.chokepoint.cli.testing.LocalJvm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.ObjectName;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real CLI jar as a process against real child JVMs ({@link FakeTaskApp}: threads that look
 * like a TaskManager's). Each child gets a unique marker argument, so that names match only it and
 * {@code list} probes no JVM but ours.
 */
class CliIT {

    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final String FRAMES = "frames=" + FakeTaskApp.BUFFER_FRAME;

    private static String marker() {
        return "cli-it-" + System.nanoTime();
    }

    private static JavaProcess fakeApp(String marker, String... jvmArgs) throws Exception {
        JavaProcess.Builder builder = JavaProcess.builder(FakeTaskApp.class.getName());
        if (JavaProcess.javaFeatureVersion() >= 21) {
            // Child JVMs on JDK 21+ (-Dchokepoint.test.java.home): no dynamic-agent note from the CLI,
            // as on 17 (the note itself is jdk21PlusWarnsAboutTheDynamicallyLoadedAgentAndTheCliSaysHowToAllowIt's).
            builder.jvmArgs("-XX:+EnableDynamicAgentLoading");
        }
        JavaProcess app = builder.jvmArgs(jvmArgs).args(marker).start();
        app.awaitOutput(FakeTaskApp.READY, STARTUP);
        return app;
    }

    @Test
    void attachThenStatusAsTableAndJsonThenReconfigure() throws Exception {
        String marker = marker();
        try (JavaProcess app = fakeApp(marker)) {
            Cli list = Cli.run("list", marker);
            assertEquals(0, list.exitCode, list::toString);
            assertTrue(list.out.matches("(?s)PID +FLINK +CHOKEPOINT +MAIN CLASS\n" + app.pid() + " +- +no +"
                    + FakeTaskApp.class.getName() + " " + marker + "\n"), list::toString);

            Cli attach = Cli.run("attach", marker, "--set", "samples=20", "--set", "delay=10ms", "--set", FRAMES);
            assertEquals(0, attach.exitCode, attach::toString);
            assertTrue(attach.out.startsWith("attached Chokepoint " + System.getProperty("chokepoint.version") + " in JVM "
                    + app.pid() + ": samples=20,delay=10ms,"), attach::toString);

            Cli json = Cli.run("status", marker, "--wait", "--json");
            assertEquals(0, json.exitCode, json::toString);
            Map<?, ?> report = (Map<?, ?>) JsonReportTestAccess.parse(json.out.trim());
            assertEquals(app.pid(), report.get(StatusJson.PID));
            assertEquals(System.getProperty("chokepoint.version"), report.get(StatusJson.AGENT_VERSION));
            assertTrue(Math.abs((Long) report.get(StatusJson.TIMESTAMP) - System.currentTimeMillis()) < 60_000);
            List<?> vertices = (List<?>) report.get(StatusJson.VERTICES);
            // no topology from FakeTaskApp: guessed order, sources first, sinks last
            assertEquals(List.of("Source: Fake", "MapOp", "Sink: Busy"), names(vertices));
            Map<?, ?> source = (Map<?, ?>) vertices.get(0);
            assertEquals("HIGH", source.get(StatusJson.BACKPRESSURE_LEVEL));
            assertEquals(1.0, source.get(StatusJson.RATIO));
            Map<?, ?> map = (Map<?, ?>) vertices.get(1);
            assertEquals("HIGH", map.get(StatusJson.BACKPRESSURE_LEVEL));
            List<?> mapSubtasks = (List<?>) map.get(StatusJson.SUBTASKS);
            assertEquals("HIGH", ((Map<?, ?>) mapSubtasks.get(0)).get(StatusJson.BACKPRESSURE_LEVEL));
            assertEquals("OK", ((Map<?, ?>) mapSubtasks.get(1)).get(StatusJson.BACKPRESSURE_LEVEL));
            assertEquals(1L, ((Map<?, ?>) mapSubtasks.get(1)).get(StatusJson.SUBTASK));
            assertEquals("MapOp (2/2)#0", ((Map<?, ?>) mapSubtasks.get(1)).get(StatusJson.THREAD));
            assertEquals(1.0, ((Map<?, ?>) mapSubtasks.get(0)).get(StatusJson.HARD_RATIO));
            assertNull(((Map<?, ?>) mapSubtasks.get(0)).get(StatusJson.OUT_POOL_USAGE), "no Flink task behind it: NaN is null");
            Map<?, ?> origin = (Map<?, ?>) report.get(StatusJson.ORIGIN);
            assertEquals("Sink: Busy", origin.get(StatusJson.VERTEX));
            assertTrue(((String) origin.get(StatusJson.REASON)).startsWith("Sink: Busy is not backpressured (OK 0.00) but its input"
                    + " MapOp is (HIGH 1.00)"), origin::toString);
            // why it is slow: a cause the agent's busy time gives (which one depends on the host), never NONE
            String cause = (String) origin.get(StatusJson.CAUSE);
            assertTrue(Cause.valueOf(cause) != Cause.NONE, origin::toString);
            assertFalse(((List<?>) origin.get(StatusJson.EVIDENCE)).isEmpty(), origin::toString);
            assertEquals(List.of(0L), origin.get(StatusJson.SUBTASKS), origin::toString);
            Map<?, ?> sink = (Map<?, ?>) ((List<?>) ((Map<?, ?>) vertices.get(2)).get(StatusJson.SUBTASKS)).get(0);
            assertTrue(sink.get(StatusJson.CPU_RATIO) instanceof Double, sink::toString);
            assertTrue(sink.get(StatusJson.HOT_FRAMES) instanceof List, sink::toString);
            assertTrue(sink.containsKey(StatusJson.RECORDS_IN), sink::toString);

            Cli table = Cli.run("status", Long.toString(app.pid()));
            assertEquals(0, table.exitCode, table::toString);
            assertFalse(table.out.contains("\u001b["), "a pipe gets no ANSI escapes");
            assertTrue(table.out.matches("(?s).*\nSource: Fake +HIGH +1\\.00( [^\n]*)?\n.*"), table::toString);
            assertTrue(table.out.matches("(?s).*\n  MapOp \\(2/2\\)#0 +OK +0\\.00 .*"), table::toString);
            assertTrue(table.out.contains("  origin: Sink: Busy - Sink: Busy is not backpressured"), table::toString);
            // another reading than the JSON one: its cause may be another
            assertTrue(table.out.matches("(?s).*\n  origin: Sink: Busy - [^\n]*\n  why: [A-Z_]+: [^\n]+"
                    + "\n  what to do: [^\n]+\n.*"), table::toString);
            assertTrue(table.out.contains("  skew: MapOp: only 1/2 (HIGH 1.00) backpressured, 2/2 (OK 0.00) not"),
                    table::toString);

            Cli watch = Cli.run("status", marker, "--json", "--watch", "0.2", "--count", "3");
            assertEquals(0, watch.exitCode, watch::toString);
            assertEquals(3, watch.out.trim().split("\n").length, watch::toString);

            Cli listed = Cli.run("list", marker);
            assertTrue(listed.out.contains(" yes " + System.getProperty("chokepoint.version") + " "), listed::toString);

            Cli bad = Cli.run("attach", marker, "--set", "delay=-5ms");
            assertEquals(1, bad.exitCode, bad::toString);
            assertEquals("chokepoint: error: JVM " + app.pid() + " kept its settings: bad value '-5ms' for delay:"
                    + " expected a duration from 1ms to 3600s, such as 50ms or 2s\n"
                    + "  hint: fix the --set value; the README's options table lists each key and its accepted values\n",
                    bad.err);

            Cli reconfigured = Cli.run("attach", marker, "--set", "samples=7", "--set", FRAMES);
            assertEquals(0, reconfigured.exitCode, reconfigured::toString);
            assertTrue(reconfigured.out.startsWith("reconfigured Chokepoint "), reconfigured::toString);
            assertTrue(reconfigured.out.contains(": samples=7,delay=50ms,"), reconfigured::toString);
        }
    }

    /** FakeTaskApp is no Flink JVM: status loads the agent into it only with --force (NothingLeftOpenIT: not without). */
    @Test
    void statusAttachesFirstWhenTheAgentIsNotThere() throws Exception {
        String marker = marker();
        try (JavaProcess app = fakeApp(marker, "-Dchokepoint.samples=10", "-Dchokepoint.delay=10ms",
                "-Dchokepoint.frames=" + FakeTaskApp.BUFFER_FRAME)) {
            Cli status = Cli.run("status", "--force", marker, "--wait");
            assertEquals(0, status.exitCode, status::toString);
            assertTrue(status.err.startsWith("chokepoint: attached Chokepoint " + System.getProperty("chokepoint.version")
                    + " to JVM " + app.pid()), status::toString);
            assertTrue(status.out.contains("window 10/10 samples\n"), status::toString);
            assertTrue(status.out.matches("(?s).*\nSource: Fake +HIGH +1\\.00( [^\n]*)?\n.*"), status::toString);
        }
    }

    @Test
    void detachTakesTheAgentOutAndAnAttachBringsItBack() throws Exception {
        String marker = marker();
        try (JavaProcess app = fakeApp(marker)) {
            Cli attach = Cli.run("attach", marker, "--set", "samples=10", "--set", "delay=10ms", "--set", FRAMES);
            assertEquals(0, attach.exitCode, attach::toString);

            Cli detach = Cli.run("detach", marker);
            assertEquals(0, detach.exitCode, detach::toString);
            assertEquals("detached: Chokepoint left JVM " + app.pid() + "\n", detach.out, detach::toString);
            try (LocalJmxConnection jmx = LocalJvm.connect(app.pid())) {
                assertEquals(Set.of(), jmx.mbeans().queryNames(new ObjectName(ObjectNames.DOMAIN + ":*"), null), "no MBean left");
                ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(
                        jmx.mbeans(), ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
                assertTrue(Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds())).filter(Objects::nonNull)
                        .noneMatch(t -> t.getThreadName().equals(AgentThreads.SAMPLER)), "no sampler thread left");
                RuntimeMXBean runtime = ManagementFactory.newPlatformMXBeanProxy(
                        jmx.mbeans(), ManagementFactory.RUNTIME_MXBEAN_NAME, RuntimeMXBean.class);
                assertFalse(runtime.getSystemProperties().containsKey(SystemProperties.AGENT_VERSION));
            }

            Cli again = Cli.run("detach", marker);
            assertEquals(1, again.exitCode, again::toString);
            assertTrue(again.err.contains("Chokepoint is not running in JVM " + app.pid()), again::toString);

            Cli back = Cli.run("attach", marker, "--set", "samples=10", "--set", "delay=10ms", "--set", FRAMES);
            assertEquals(0, back.exitCode, back::toString);
            assertTrue(back.out.startsWith("attached Chokepoint"), back::toString);
            Cli status = Cli.run("status", marker, "--wait");
            assertEquals(0, status.exitCode, status::toString);
            assertTrue(status.out.matches("(?s).*\nSource: Fake +HIGH +1\\.00( [^\n]*)?\n.*"), status::toString);
        }
    }

    @Test
    void usageErrorsExitWith2() throws Exception {
        Cli none = Cli.run();
        assertEquals(2, none.exitCode, none::toString);
        Cli missing = Cli.run("status");
        assertEquals(2, missing.exitCode, missing::toString);
        // <pid|name> is optional to picocli since status --rest takes none: the command says what is missing.
        assertTrue(missing.err.startsWith("chokepoint: a <pid|name> or --rest URL is missing"), missing::toString);
        Cli badKey = Cli.run("attach", "1", "--set", "bogus=1");
        assertEquals(2, badKey.exitCode, badKey::toString);
        for (String command : List.of("list", "attach", "status", "detach", "demo")) {
            Cli help = Cli.run(command, "--help");
            assertEquals(0, help.exitCode, help::toString);
            assertTrue(help.out.startsWith("Usage: chokepoint " + command), help::toString);
        }
    }

    @Test
    void errorsSayWhatHappenedAndWhatToDo() throws Exception {
        Cli noPid = Cli.run("status", "999999999");
        assertError(noPid, "no process with pid 999999999", "'chokepoint list' shows the JVMs");

        String marker = marker();
        Cli noName = Cli.run("status", marker);
        assertError(noName, "no JVM of user " + System.getProperty("user.name") + " has '" + marker + "'",
                "'chokepoint list'");

        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            Cli notJava = Cli.run("status", Long.toString(sleeper.pid()));
            assertError(notJava, "process " + sleeper.pid() + " (/usr/bin/sleep) is not a JVM", "does not handle SIGQUIT");
        } finally {
            sleeper.destroyForcibly().waitFor();
        }

        try (JavaProcess one = fakeApp(marker); JavaProcess two = fakeApp(marker)) {
            Cli several = Cli.run("status", marker);
            assertError(several, "'" + marker + "' matches 2 JVMs: ", "give the pid");
            assertTrue(several.err.contains(one.pid() + " (") && several.err.contains(two.pid() + " ("), several::toString);

            Cli missingJar = Cli.run("attach", Long.toString(one.pid()), "--agent", "/nonexistent/chokepoint-agent.jar");
            assertError(missingJar, "agent jar not found at /nonexistent/chokepoint-agent.jar", "--agent");
        }
    }

    @Test
    void anAgentJarOfAnotherVersionIsRefused(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("chokepoint-agent.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Agent-Class", "dev.chokepoint.agent.ChokepointAgent");
        manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, "0.0.1");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.flush();
        }
        String marker = marker();
        try (JavaProcess app = fakeApp(marker)) {
            Cli old = Cli.run("attach", marker, "--agent", jar.toString());
            assertError(old, "agent jar " + jar + " is Chokepoint 0.0.1, this CLI is " + System.getProperty("chokepoint.version"),
                    "use the chokepoint-agent.jar built with this CLI");
        }
    }

    @Test
    void aJvmWithoutTheAttachMechanism() throws Exception {
        String marker = marker();
        try (JavaProcess app = fakeApp(marker, "-XX:+DisableAttachMechanism")) {
            Cli byName = Cli.run("status", marker);
            assertError(byName, "JVM " + app.pid() + " runs with -XX:+DisableAttachMechanism", "restart it without");
            Cli status = Cli.run("status", Long.toString(app.pid()));
            assertError(status, "JVM " + app.pid() + " runs with -XX:+DisableAttachMechanism: it accepts no attach",
                    "restart it without that flag, or load the agent at start with -javaagent:chokepoint-agent.jar");
        }
    }

    @Test
    void aJvmThatDoesNotOpenItsAttachSocket() throws Exception {
        String marker = marker();
        try (JavaProcess app = fakeApp(marker)) {
            // A stopped JVM never answers: what a client sees when the socket file is gone or in another /tmp.
            signal("STOP", app.pid());
            try {
                Cli status = Cli.run(List.of(), List.of("-Dsun.tools.attach.attachTimeout=1500"), Map.of(),
                        "status", Long.toString(app.pid()));
                assertError(status, "JVM " + app.pid() + " did not open its attach socket (.java_pid" + app.pid(),
                        "its /tmp was cleaned");
            } finally {
                signal("CONT", app.pid());
            }
        }
    }

    @Test
    void aJvmOfAnotherUser() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Paths.get("/usr/bin/setpriv")),
                "needs root and setpriv to run the CLI as another user (nobody) against our JVM; skipped");
        String marker = marker();
        try (JavaProcess app = fakeApp(marker)) {
            Cli status = Cli.run(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"),
                    List.of("-Duser.home=/tmp"), Map.of(), "status", Long.toString(app.pid()));
            assertEquals(1, status.exitCode, status::toString);
            assertTrue(status.err.startsWith("chokepoint: error: JVM " + app.pid() + " runs as user root, this command as "),
                    status::toString);
            assertTrue(status.err.contains("  hint: run it as that user: sudo -u root chokepoint ..."), status::toString);
        }
    }

    @Test
    void jdk21PlusWarnsAboutTheDynamicallyLoadedAgentAndTheCliSaysHowToAllowIt() throws Exception {
        Path java = newestJdk();
        Assumptions.assumeTrue(java != null, "no JDK 21+ under /usr/lib/jvm; skipped");
        String marker = marker();
        Path log = Files.createDirectories(Paths.get("target", "child-jvms")).resolve("jdk21-" + System.nanoTime() + ".log");
        Process app = new ProcessBuilder(java.toString(), "-cp", JavaProcess.testClasspath(),
                FakeTaskApp.class.getName(), marker).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await().atMost(STARTUP).until(() -> Files.readString(log).contains(FakeTaskApp.READY));
            Cli attach = Cli.run("attach", marker);
            assertEquals(0, attach.exitCode, attach::toString);
            assertTrue(attach.err.contains("chokepoint: note: JVM " + app.pid() + " runs Java "), attach::toString);
            assertTrue(attach.err.contains("  hint: start the JVM with -XX:+EnableDynamicAgentLoading"), attach::toString);
            await().atMost(STARTUP).until(() -> Files.readString(log).contains("A Java agent has been loaded dynamically"));
        } finally {
            app.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void theTerminalGetsColorsAndNoColorTurnsThemOff() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Paths.get("/usr/bin/tmux")),
                "tmux is not installed (apt-get install tmux); the terminal test is skipped");
        String marker = marker();
        try (JavaProcess app = fakeApp(marker, "-javaagent:" + JavaProcess.agentJar() + "=samples=10,delay=10ms," + FRAMES)) {
            // The history's first point comes a second after the attach: wait for the source's
            // sparkline itself. Any row's is not enough: one reading asks the subtasks' histories one
            // after another, and a history step can fall between two of them.
            String colored = tmuxScreen(app.pid(), "LC_ALL=C.UTF-8 ", SOURCE_ROW_WITH_BLOCKS);
            assertTrue(colored.contains("Where it comes from"), colored);
            String uncolored = colored.replaceAll("\u001b\\[[0-9;]*m", "");
            assertTrue(SOURCE_ROW_WITH_BLOCKS.matcher(uncolored).find(),
                    () -> "a full block per second of HIGH in a UTF-8 terminal:\n" + colored);
            // tmux redraws bold red as ESC[1m ESC[31m
            assertTrue(colored.contains("\u001b[31mHIGH"), () -> "HIGH is red on a terminal:\n" + colored);
            assertTrue(colored.contains("\u001b[32mOK"), () -> "OK is green on a terminal:\n" + colored);
            String plain = tmuxScreen(app.pid(), "LC_ALL=C.UTF-8 NO_COLOR=1 ", SOURCE_ROW_WITH_HASHES);
            assertFalse(plain.contains("\u001b[31m"), plain);
            assertFalse(plain.contains("\u2588"), () -> "NO_COLOR: an ASCII sparkline:\n" + plain);
            assertTrue(SOURCE_ROW_WITH_HASHES.matcher(plain).find(), plain);
        }
    }

    /** The source's vertex row with its sparkline, as a whole line: what the terminal test waits for and asserts. */
    private static final Pattern SOURCE_ROW_WITH_BLOCKS =
            Pattern.compile("\nSource: Fake +HIGH +1\\.00 +PERSISTENT +\u2588+ \\d+s\n");
    private static final Pattern SOURCE_ROW_WITH_HASHES =
            Pattern.compile("\nSource: Fake +HIGH +1\\.00 +PERSISTENT +#+ \\d+s\n");

    /**
     * Runs {@code status --watch} in a detached tmux session (own server socket, UTF-8) and returns
     * the first screen, escapes included, whose text shows {@code expected} (or the command's exit).
     */
    private static String tmuxScreen(long pid, String env, Pattern expected) throws Exception {
        String socket = "chokepoint-it-" + System.nanoTime();
        String command = env + Cli.java() + " -jar " + Cli.jar() + " status " + pid + " --watch 0.5; echo EXIT=$?; sleep 60";
        exec("tmux", "-u", "-L", socket, "new-session", "-d", "-s", "it", "-x", "160", "-y", "50", command);
        try {
            return await().atMost(STARTUP).pollInterval(Duration.ofMillis(300))
                    .until(() -> exec("tmux", "-u", "-L", socket, "capture-pane", "-p", "-e", "-t", "it"),
                            s -> expected.matcher(s.replaceAll("\u001b\\[[0-9;]*m", "")).find() || s.contains("EXIT="));
        } finally {
            exec("tmux", "-L", socket, "kill-server");
        }
    }

    private static String exec(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return output;
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor());
    }

    private static Path newestJdk() throws IOException {
        Path jvms = Paths.get("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return null;
        }
        try (var dirs = Files.list(jvms)) {
            return dirs.filter(d -> d.getFileName().toString().matches(".*-(2[1-9]|[3-9]\\d)(-|\\.).*"))
                    .map(d -> d.resolve("bin").resolve("java")).filter(Files::isExecutable).findFirst().orElse(null);
        }
    }

    private static void assertError(Cli cli, String message, String hint) {
        assertEquals(1, cli.exitCode, cli::toString);
        String[] lines = cli.err.split("\n");
        assertTrue(lines[0].startsWith("chokepoint: error: " + message), cli::toString);
        assertTrue(lines.length > 1 && lines[1].startsWith("  hint: ") && lines[1].contains(hint), cli::toString);
    }

    private static List<Object> names(List<?> vertices) {
        return vertices.stream().map(v -> ((Map<?, ?>) v).get(StatusJson.NAME)).collect(java.util.stream.Collectors.toList());
    }

    @SuppressWarnings("unused")
    private static void send(JavaProcess app, String command) throws IOException {
        OutputStream stdin = app.process().getOutputStream();
        stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }
}

package dev.chokepoint.cli;

import dev.chokepoint.api.AgentThreads;
import dev.chokepoint.api.ObjectNames;
import dev.chokepoint.cli.jmx.ChokepointReader;
import dev.chokepoint.cli.jmx.LocalJmxConnection;
import dev.chokepoint.cli.testing.AgentProbeMain;
import dev.chokepoint.cli.testing.FakeTaskApp;
import dev.chokepoint.cli.testing.JavaProcess;
import dev.chokepoint.cli.testing.LocalJvm;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed settings never harm the host (issue 7, "bad agent input"). Each row starts a real JVM
 * with {@code -javaagent:chokepoint-agent.jar=<args>} (and/or {@code -Dchokepoint.*}, or a
 * {@code config=} file) whose main is {@link AgentProbeMain}, and asserts: the host's main ran and
 * the JVM exited 0 (an exception out of {@code premain} would abort it with exit 1, a
 * {@code System.exit} would skip the marker), stderr is exactly one line, starting {@code [chokepoint] ERROR
 * agent disabled:} and naming the problem, and from inside the host: no {@code chokepoint-sampler}
 * thread, no {@code chokepoint:type=Agent} MBean, no version property. Positive controls (valid
 * settings, same probe) prove that the probe sees a running agent. A few bad options also go
 * through dynamic attach into a running JVM, which keeps running with the agent off.
 */
class BadInputTest {

    private static final Path DIR = Paths.get("target", "bad-input").toAbsolutePath();
    private static final String DISABLED = "[chokepoint] ERROR agent disabled: ";

    /** One JVM start: the settings, and what the single error line must contain (null: a valid control). */
    private static final class Row {
        final String name;
        final String agentArgs;
        final List<String> systemProperties;
        final String expected;

        Row(String name, String agentArgs, List<String> systemProperties, String expected) {
            this.name = name;
            this.agentArgs = agentArgs;
            this.systemProperties = systemProperties;
            this.expected = expected;
        }
    }

    private static Row arg(String agentArgs, String expected) {
        return new Row("-javaagent=" + printable(agentArgs), agentArgs, List.of(), expected);
    }

    private static Row props(String expected, String... systemProperties) {
        return new Row(String.join(" ", systemProperties), null, List.of(systemProperties), expected);
    }

    private static Row file(String name, byte[] content, String expected) throws IOException {
        Path path = DIR.resolve(name);
        Files.write(path, content);
        return new Row("config file " + name, "config=" + path, List.of(), expected);
    }

    private static Row file(String name, String content, String expected) throws IOException {
        return file(name, content.getBytes(StandardCharsets.UTF_8), expected);
    }

    @TestFactory
    Stream<DynamicTest> malformedSettingsLeaveTheAgentOffAndTheHostRunning() throws IOException {
        Files.createDirectories(DIR);
        byte[] garbage = new byte[1024 * 1024];
        new Random(7).nextBytes(garbage);
        byte[] smallGarbage = Arrays.copyOf(garbage, 60 * 1024);
        Path directory = Files.createDirectories(DIR.resolve("a-directory.properties"));

        List<Row> rows = new ArrayList<>(List.of(
                // unknown keys, missing '=', empty key, stray separators, repeats
                arg("bogus=1", "unknown key 'bogus' in agent argument"),
                arg("Samples=10", "unknown key 'Samples'"),
                arg("samples", "bad agent argument 'samples'"),
                arg("=", "unknown key ''"),
                arg(",,", "bad agent argument ',,'"),
                arg("samples=100,,delay=50ms", "bad value '100,' for samples"),
                arg("samples=1,samples=2", "key 'samples' is given twice"),
                arg("threads=a,b=c", "unknown key 'b'"),
                // numbers: not a number, out of range, huge
                arg("samples=abc", "bad value 'abc' for samples"),
                arg("samples=0", "bad value '0' for samples"),
                arg("samples=-1", "bad value '-1' for samples"),
                arg("samples=65536", "bad value '65536' for samples"),
                arg("samples=1.5", "bad value '1.5' for samples"),
                arg("samples=", "bad value '' for samples"),
                arg("samples=99999999999999999999", "bad value '99999999999999999999' for samples"),
                arg("samples=" + "9".repeat(5000), "for samples: expected a whole number"),
                arg("depth=3", "bad value '3' for depth"),
                arg("depth=1025", "bad value '1025' for depth"),
                // delays: negative, zero, too long, bad unit, overflow
                arg("delay=-5ms", "bad value '-5ms' for delay"),
                arg("delay=0", "bad value '0' for delay"),
                arg("delay=0ms", "bad value '0ms' for delay"),
                arg("delay=3601s", "bad value '3601s' for delay"),
                arg("delay=5m", "bad value '5m' for delay"),
                arg("delay=1e3", "bad value '1e3' for delay"),
                arg("delay=99999999999s", "bad value '99999999999s' for delay"),
                arg("delay=9999999999s", "bad value '9999999999s' for delay"),
                // thresholds
                arg("low=0.6,high=0.5", "thresholds out of order: low=0.6 is above high=0.5"),
                arg("low=1.5", "bad value '1.5' for low"),
                arg("high=-0.1", "bad value '-0.1' for high"),
                arg("low=NaN", "bad value 'NaN' for low"),
                arg("high=1e309", "bad value '1e309' for high"),
                // regexes and frames
                arg("threads=[unclosed", "bad value '[unclosed' for threads"),
                arg("threads=(?<name", "for threads: expected a valid regular expression"),
                arg("threads=a{2,1}", "for threads: expected a valid regular expression"),
                arg("threads=" + "(".repeat(2000), "for threads: expected a valid regular expression"),
                arg("threads=", "bad value '' for threads"),
                arg("frames=not a frame", "for frames"),
                arg("frames=Foo#", "bad value 'Foo#' for frames"),
                arg("instrument=yes", "bad value 'yes' for instrument"),
                // unicode and control characters: still one line, still naming the key
                arg("s\u00e4mples=10", "unknown key 's\u00e4mples'"),
                arg("delay=\uff15\uff10ms", "for delay"),
                arg("threads=\u2603(", "for threads"),
                arg("samples=1\n0", "bad value '1?0' for samples"),
                arg("delay=50\u0007ms", "bad value '50?ms' for delay"),
                arg("samples=\r\n", "bad value '' for samples"),
                // config= pointing at something that is not a readable properties file
                arg("config=/nonexistent/chokepoint.properties", "cannot read config file /nonexistent/chokepoint.properties"),
                arg("config=" + directory, "cannot read config file " + directory),
                arg("config=/proc/self/mem", "cannot read config file /proc/self/mem"),
                arg("config=", "cannot read config file"),
                file("garbage-1mb.bin", garbage, "is larger than 64 KiB"),
                file("garbage-60kb.bin", smallGarbage, "config file"),
                file("unknown-key.properties", "bogus=1\n", "unknown key 'bogus' in config file"),
                file("negative-delay.properties", "delay=-1\n", "bad value '-1' for delay"),
                file("nested-config.properties", "config=/etc/passwd\n", "may not name another config file"),
                file("bad-escape.properties", "samples=\\uZZZZ\n", "cannot read config file"),
                file("nul.properties", "samples=1\u00002\n", "bad value '1?2' for samples"),
                file("thresholds.properties", "low=0.9\nhigh=0.1\n", "thresholds out of order"),
                file("unicode-key.properties", "d\u00e9lai=5\n", "unknown key 'd\u00e9lai'"),
                file("empty-key.properties", "=5\n", "unknown key ''"),
                file("bad-regex.properties", "threads=(a\n", "for threads"),
                // the same through system properties
                props("bad value '-5ms' for delay", "-Dchokepoint.delay=-5ms"),
                props("bad value 'abc' for samples", "-Dchokepoint.samples=abc"),
                props("for threads", "-Dchokepoint.threads=("),
                props("bad value '' for instrument", "-Dchokepoint.instrument="),
                props("cannot read config file /nonexistent", "-Dchokepoint.config=/nonexistent"),
                props("thresholds out of order", "-Dchokepoint.low=0.9", "-Dchokepoint.high=0.2"),
                // positive controls: the same probe sees a running agent
                arg("samples=10", null),
                arg("", null),
                new Row("agent argument over a bad system property", "delay=50ms", List.of("-Dchokepoint.delay=-5ms"), null),
                // a misspelt key among the host's system properties: warned about, the agent runs on its defaults
                new Row("misspelt -Dchokepoint.sample", null, List.of("-Dchokepoint.sample=20"), null),
                file("valid.properties", "samples=10\ndelay=20ms\n", null)));

        if (!"root".equals(System.getProperty("user.name"))) {
            Path unreadable = Files.write(DIR.resolve("unreadable.properties"), "samples=10\n".getBytes(StandardCharsets.UTF_8));
            Files.setPosixFilePermissions(unreadable, PosixFilePermissions.fromString("---------"));
            rows.add(arg("config=" + unreadable, "cannot read config file " + unreadable));
        } // root reads any file: /proc/self/mem above stands for the unreadable one

        long bad = rows.stream().filter(r -> r.expected != null).count();
        assertTrue(bad >= 30, "the issue asks for at least 30 malformed inputs, got " + bad);
        return rows.stream().map(row -> DynamicTest.dynamicTest(row.name, () -> check(row)));
    }

    private static void check(Row row) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(JavaProcess.jdkTool("java").toString());
        // short-lived JVMs: no C2, small heap
        command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m",
                "-Djava.io.tmpdir=" + Files.createDirectories(Paths.get("target", "tmp").toAbsolutePath())));
        command.addAll(row.systemProperties);
        String agent = "-javaagent:" + JavaProcess.agentJar();
        command.add(row.agentArgs == null ? agent : agent + "=" + row.agentArgs);
        command.addAll(List.of("-cp", JavaProcess.testClasspath(), AgentProbeMain.class.getName()));
        Path out = Files.createTempFile(DIR, "out-", ".txt");
        Path err = Files.createTempFile(DIR, "err-", ".txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("host JVM did not exit within 60 s: " + Files.readString(out) + Files.readString(err));
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        String both = "exit " + process.exitValue() + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        assertEquals(0, process.exitValue(), both);
        assertTrue(stdout.startsWith(AgentProbeMain.MARKER + "\n"), both);
        if (row.expected == null) {
            assertTrue(stdout.contains("sampler=true\nmbean=true\nproperty=true\n"), both);
            assertTrue(stderr.lines().anyMatch(l -> l.startsWith("[chokepoint] ") && l.contains(" started (premain): ")), both);
            // JDK 24+ warns when sun.misc.Unsafe is used; the agent does not use it (seen when the child JDK is 25)
            assertFalse(stderr.contains("sun.misc.Unsafe"), both);
            List<String> unknown = row.systemProperties.stream().filter(p -> p.startsWith("-Dchokepoint.sample="))
                    .map(p -> p.substring(2, p.indexOf('='))).collect(Collectors.toList());
            assertEquals(unknown.isEmpty() ? 0 : 1, stderr.lines().filter(l -> l.startsWith("[chokepoint] ERROR ignoring system"
                    + " properties " + unknown + ": no such setting")).count(), "one warning per misspelt property\n" + both);
            return;
        }
        assertTrue(stdout.endsWith("sampler=false\nmbean=false\nproperty=false\n"), both);
        List<String> lines = stderr.lines().collect(Collectors.toList());
        assertEquals(1, lines.size(), "exactly one line on stderr\n" + both);
        String line = lines.get(0);
        assertTrue(line.startsWith(DISABLED), both);
        assertTrue(line.contains(row.expected), "the line names the problem: '" + row.expected + "'\n" + both);
        assertTrue(line.length() < 400, "an error line stays short whatever the input\n" + both);
    }

    @Test
    void badOptionsThroughDynamicAttachLeaveTheTargetRunningAndTheAgentOff() throws Exception {
        List<String> badOptions = List.of("delay=-5ms", "bogus=1", "threads=[", "low=0.9,high=0.1", "config=/nonexistent");
        try (JavaProcess app = JavaProcess.builder(FakeTaskApp.class.getName()).logName("BadInputTest-attach").start()) {
            app.awaitOutput(FakeTaskApp.READY, Duration.ofSeconds(30));
            for (String options : badOptions) {
                // agentmain returns normally: the attach itself succeeds, the agent stays off
                LocalJvm.loadAgent(app.pid(), JavaProcess.agentJar().toString(), options);
            }
            try (LocalJmxConnection jmx = LocalJvm.connect(app.pid())) {
                assertEquals(0, jmx.mbeans().queryNames(new ObjectName(ObjectNames.DOMAIN + ":*"), null).size());
                assertEquals(0, samplerThreads(jmx));
                assertTrue(app.isAlive());
                List<String> lines = app.output().lines().filter(l -> l.startsWith("[chokepoint]")).collect(Collectors.toList());
                assertEquals(badOptions.size(), lines.size(), app.output());
                for (int i = 0; i < lines.size(); i++) {
                    assertTrue(lines.get(i).startsWith(DISABLED), app.output());
                }
                assertTrue(lines.get(0).contains("for delay"), lines.get(0));
                assertTrue(lines.get(1).contains("unknown key 'bogus'"), lines.get(1));
                assertTrue(lines.get(2).contains("for threads"), lines.get(2));
                assertTrue(lines.get(3).contains("thresholds out of order"), lines.get(3));
                assertTrue(lines.get(4).contains("cannot read config file /nonexistent"), lines.get(4));

                // the JVM is none the worse: a good attach now starts the agent
                LocalJvm.loadAgent(app.pid(), JavaProcess.agentJar().toString(),
                        "samples=10,delay=10ms,frames=" + FakeTaskApp.BUFFER_FRAME);
                ChokepointReader reader = new ChokepointReader(jmx.mbeans());
                await().atMost(Duration.ofSeconds(30)).until(reader::agentLoaded);
                assertEquals(1, samplerThreads(jmx));
            }
        }
    }

    private static long samplerThreads(LocalJmxConnection jmx) throws IOException {
        ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(
                jmx.mbeans(), ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
        return Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds())).filter(Objects::nonNull)
                .map(ThreadInfo::getThreadName).filter(AgentThreads.SAMPLER::equals).count();
    }

    private static String printable(String text) {
        String shown = text.length() > 60 ? text.substring(0, 60) + "...(" + text.length() + " chars)" : text;
        StringBuilder out = new StringBuilder();
        for (char c : shown.toCharArray()) {
            out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }
}

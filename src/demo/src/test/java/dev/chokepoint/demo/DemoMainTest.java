package dev.chokepoint.demo;

import dev.chokepoint.api.BackPressureLevel;
import dev.chokepoint.cli.testing.JavaProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Runs the demo as the README does, minus Maven: a real Flink job, the real agent, a real attach. */
class DemoMainTest {

    private static final Pattern CHILD_PID = Pattern.compile(Pattern.quote(DemoMain.CHILD_PID) + "(\\d+)");
    /** Any level, as a regex: {@code (OK|LOW|HIGH)}. */
    private static final String ANY_LEVEL = Arrays.stream(BackPressureLevel.values()).map(Enum::name)
            .collect(Collectors.joining("|", "(", ")"));

    @Test
    void showsTheSourceBackpressuredTheSlowOperatorAsOriginAndLeavesNoProcessBehind() throws Exception {
        try (JavaProcess demo = demo("-Ddemo.seconds=25")) {
            assertEquals(0, demo.waitFor(Duration.ofSeconds(150)), demo::output);
            String output = demo.output();

            for (String vertex : DemoJob.VERTICES) {
                assertTrue(vertexLine(output, vertex, ANY_LEVEL), () -> vertex + " missing:\n" + output);
            }
            // On 1.20 only the legacy source thread blocks in a buffer request; the others are soft-backpressured.
            assertTrue(vertexLine(output, "Source: Events", BackPressureLevel.HIGH.name()),
                    () -> "source never HIGH:\n" + output);
            assertTrue(Pattern.compile("window (\\d+)/\\1 samples\n").matcher(output).find(),
                    () -> "the sampling window never filled:\n" + output);
            assertTrue(output.contains("  origin: Enrich - Enrich is not backpressured"),
                    () -> "the origin is not the slow operator:\n" + output);
            // Enrich sleeps 1 ms a record: the report must say why it is slow, not only where.
            assertTrue(output.contains("  why: SLEEP"), () -> "the origin's cause is not SLEEP:\n" + output);
            assertTrue(Pattern.compile("\n  Enrich \\(1/2\\)#0 .* SLEEP\n").matcher(output).find(),
                    () -> "no SLEEP in Enrich's cause column:\n" + output);
            assertFalse(output.contains("\u001b["), "a pipe must get plain text, without ANSI escapes");

            assertGone(childPid(output), output);
        }
    }

    @Test
    void stopsTheJobWhenStoppedLikeByCtrlC() throws Exception {
        try (JavaProcess demo = demo()) {
            demo.awaitOutput("VERTEX / SUBTASK", Duration.ofSeconds(120));
            long child = childPid(demo.output());

            // SIGTERM runs the same shutdown hooks as the SIGINT of a Ctrl-C.
            demo.process().destroy();
            demo.waitFor(Duration.ofSeconds(30));

            assertGone(child, demo.output());
        }
    }

    private static JavaProcess demo(String... jvmArgs) throws Exception {
        return JavaProcess.builder(DemoMain.class.getName())
                .jvmArgs("-Ddemo.agent.jar=" + JavaProcess.agentJar(), "-Ddemo.dir=target/demo-test")
                .jvmArgs(jvmArgs)
                .start();
    }

    /** A vertex line of the report: the vertex name, then its level and ratio, then its history once it has a point. */
    static boolean vertexLine(String output, String vertex, String level) {
        Pattern line = Pattern.compile("^" + Pattern.quote(vertex) + " +" + level + " +\\d\\.\\d\\d( +(PERSISTENT|TEMPORARY|NONE)( .*)?)?$");
        List<String> lines = Arrays.asList(output.split("\\R"));
        return lines.stream().anyMatch(l -> line.matcher(l).matches());
    }

    private static long childPid(String output) {
        Matcher matcher = CHILD_PID.matcher(output);
        if (!matcher.find()) {
            fail("the demo did not print its child's pid:\n" + output);
        }
        return Long.parseLong(matcher.group(1));
    }

    static void assertGone(long pid, String output) {
        Optional<ProcessHandle> child = ProcessHandle.of(pid);
        assertFalse(child.isPresent() && child.get().isAlive(),
                () -> "the Flink job JVM " + pid + " outlived the demo: " + child.get().info() + "\n" + output);
    }
}

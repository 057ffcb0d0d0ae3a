package dev.chokepoint.cli;

import dev.chokepoint.api.AgentAttributes;
import dev.chokepoint.cli.jmx.ChokepointReader;
import dev.chokepoint.cli.jmx.LocalJmxConnection;
import dev.chokepoint.cli.jmx.TaskSnapshot;
import dev.chokepoint.cli.testing.FakeTaskApp;
import dev.chokepoint.cli.testing.JavaProcess;
import dev.chokepoint.cli.testing.LocalJvm;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sampler tick that overruns or throws does not stop sampling (issue 7, "faults inside the
 * sampler"), driven only through public inputs: a {@code threads=} regex chosen so that one
 * thread name of {@link FakeTaskApp} makes it slow or makes it overflow the sampler's stack.
 * The regex also selects the fake task threads, whose levels are checked before, during and after.
 */
class SamplerFaultsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Set<String> SUBTASKS = Set.of(
            "Source: Fake (1/2)#0", "MapOp (1/2)#0", "MapOp (2/2)#0", "Sink: Busy (1/1)#0");
    private static final String TASKS = "^(?:Source|Legacy Source|MapOp|Sink)";

    /**
     * {@code (.*a){12}} against 28 {@code a}s and a {@code !} backtracks for about 1.5 s on JDK 17
     * (Java's regex memoizes the classic {@code (a+)+}, not this): one tick far longer than the 10 ms
     * delay. The name is matched once, then cached, so sampling must resume at its cadence.
     */
    @Test
    void aTickThatOverrunsDoesNotStopSampling() throws Exception {
        String slowName = "a".repeat(28) + "!";
        String args = "samples=50,delay=10ms,frames=" + FakeTaskApp.BUFFER_FRAME + ",threads=" + TASKS + "|^(.*a){12}$";
        try (JavaProcess app = JavaProcess.builder(FakeTaskApp.class.getName()).javaagent(args)
                .logName("SamplerFaults-overrun").start()) {
            app.awaitOutput(FakeTaskApp.READY, TIMEOUT);
            try (LocalJmxConnection jmx = LocalJvm.connect(app.pid())) {
                ChokepointReader reader = new ChokepointReader(jmx.mbeans());
                assertLevels(AgentInForkedJvmTest.awaitFullWindows(reader, SUBTASKS));

                send(app, "start " + slowName + " idle");
                // the overrun: one tick of at least 20 delays (the TickMaxMicros of a 50-tick window shows it for 50 ticks)
                await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50))
                        .until(() -> number(reader, AgentAttributes.TICK_MAX_MICROS) >= 200_000);
                long ticks = (long) number(reader, AgentAttributes.SAMPLING_TICKS);
                await().atMost(TIMEOUT).until(() -> number(reader, AgentAttributes.SAMPLING_TICKS) >= ticks + 100);
                assertEquals(0.0, number(reader, AgentAttributes.SAMPLING_ERRORS));
                assertLevels(AgentInForkedJvmTest.awaitFullWindows(reader, SUBTASKS));

                send(app, "stop " + slowName);
                long after = (long) number(reader, AgentAttributes.SAMPLING_TICKS);
                await().atMost(TIMEOUT).until(() -> number(reader, AgentAttributes.SAMPLING_TICKS) >= after + 100);
                assertLevels(AgentInForkedJvmTest.awaitFullWindows(reader, SUBTASKS));
            }
        }
    }

    /**
     * {@code ^(a|b)+c} recurses once per character in {@code java.util.regex}: against a 200 000
     * character thread name it throws {@link StackOverflowError} inside the tick. That thread is
     * then taken for no task (the failure is remembered with its name), so it costs one counted
     * error, sampling of the other threads goes on meanwhile, the levels stay right, and the error
     * is logged once.
     */
    @Test
    void aThreadThatMakesTheTickThrowCostsOneErrorAndSamplingGoesOn() throws Exception {
        String poisonName = "ab".repeat(100_000);
        String args = "samples=10,delay=10ms,frames=" + FakeTaskApp.BUFFER_FRAME + ",threads=" + TASKS + "|^(a|b)+c";
        try (JavaProcess app = JavaProcess.builder(FakeTaskApp.class.getName()).javaagent(args)
                .logName("SamplerFaults-throw").start()) {
            app.awaitOutput(FakeTaskApp.READY, TIMEOUT);
            try (LocalJmxConnection jmx = LocalJvm.connect(app.pid())) {
                ChokepointReader reader = new ChokepointReader(jmx.mbeans());
                assertLevels(AgentInForkedJvmTest.awaitFullWindows(reader, SUBTASKS));
                assertEquals(0.0, number(reader, AgentAttributes.SAMPLING_ERRORS));

                send(app, "start " + poisonName + " idle");
                await().atMost(TIMEOUT).until(() -> number(reader, AgentAttributes.SAMPLING_ERRORS) >= 1);
                long ticksDuring = (long) number(reader, AgentAttributes.SAMPLING_TICKS);
                // while the name lives, sampling goes on and the other subtasks stay right
                await().atMost(TIMEOUT).until(() -> number(reader, AgentAttributes.SAMPLING_TICKS) >= ticksDuring + 50);
                assertLevels(AgentInForkedJvmTest.awaitFullWindows(reader, SUBTASKS));
                assertEquals(1.0, number(reader, AgentAttributes.SAMPLING_ERRORS),
                        "one bad thread name costs one error, not one per tick");

                send(app, "stop " + poisonName);
                app.awaitOutput("stopped ", TIMEOUT);
                long ticks = (long) number(reader, AgentAttributes.SAMPLING_TICKS);
                await().atMost(TIMEOUT).until(() -> number(reader, AgentAttributes.SAMPLING_TICKS) >= ticks + 50);
                assertEquals(1.0, number(reader, AgentAttributes.SAMPLING_ERRORS));
                assertLevels(AgentInForkedJvmTest.awaitFullWindows(reader, SUBTASKS));
                assertEquals(1, app.output().lines().filter(l -> l.contains("sampling error")).count(),
                        "logged once per kind:\n" + tail(app.output()));
                assertTrue(app.output().contains("java.lang.StackOverflowError"), tail(app.output()));
            }
        }
    }

    /**
     * Everything the sampler thread runs is inside its fault protection (issue 14), the handling of
     * a fault included: with a host stderr that throws on every line, the tick failure of the
     * poison thread name cannot be logged, and the sampler must count it and go on.
     */
    @Test
    void aFaultWhoseLogLineThrowsIsCountedAndSamplingGoesOn() throws Exception {
        String poisonName = "ab".repeat(100_000);
        String args = "samples=10,delay=10ms,frames=" + FakeTaskApp.BUFFER_FRAME + ",threads=" + TASKS + "|^(a|b)+c";
        try (JavaProcess app = JavaProcess.builder(FakeTaskApp.class.getName()).javaagent(args)
                .logName("SamplerFaults-stderr").start()) {
            app.awaitOutput(FakeTaskApp.READY, TIMEOUT);
            try (LocalJmxConnection jmx = LocalJvm.connect(app.pid())) {
                ChokepointReader reader = new ChokepointReader(jmx.mbeans());
                assertLevels(AgentInForkedJvmTest.awaitFullWindows(reader, SUBTASKS));
                send(app, "breakstderr");
                app.awaitOutput("stderr broken", TIMEOUT);

                send(app, "start " + poisonName + " idle");
                await().atMost(TIMEOUT).until(() -> number(reader, AgentAttributes.SAMPLING_ERRORS) >= 1);
                long ticks = (long) number(reader, AgentAttributes.SAMPLING_TICKS);
                await().atMost(TIMEOUT).until(() -> number(reader, AgentAttributes.SAMPLING_TICKS) >= ticks + 50);
                assertLevels(AgentInForkedJvmTest.awaitFullWindows(reader, SUBTASKS));
            }
            assertFalse(app.output().contains("sampling error"), "the line could not be written:\n" + tail(app.output()));
        }
    }

    static void assertLevels(Map<String, TaskSnapshot> tasks) {
        assertEquals("HIGH", tasks.get("Source: Fake (1/2)#0").backPressureLevel, tasks.toString());
        assertEquals("HIGH", tasks.get("MapOp (1/2)#0").backPressureLevel, tasks.toString());
        assertEquals("OK", tasks.get("MapOp (2/2)#0").backPressureLevel, tasks.toString());
        assertEquals(0, tasks.get("MapOp (2/2)#0").blockedSamples, tasks.toString());
        assertEquals("OK", tasks.get("Sink: Busy (1/1)#0").backPressureLevel, tasks.toString());
        assertFalse(tasks.keySet().stream().anyMatch(name -> name.startsWith("aaaa") || name.startsWith("abab")));
    }

    static double number(ChokepointReader reader, String attribute) throws IOException {
        return ((Number) reader.agentAttribute(attribute).orElseThrow()).doubleValue();
    }

    static void send(JavaProcess app, String command) throws IOException {
        OutputStream stdin = app.process().getOutputStream();
        stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    private static String tail(String output) {
        return output.lines().map(l -> l.length() > 300 ? l.substring(0, 300) + "..." : l).collect(Collectors.joining("\n"));
    }
}

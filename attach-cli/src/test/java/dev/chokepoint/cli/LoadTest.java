package dev.chokepoint.cli;

import dev.chokepoint.api.AgentAttributes;
import dev.chokepoint.cli.jmx.ChokepointReader;
import dev.chokepoint.cli.jmx.LocalJmxConnection;
import dev.chokepoint.cli.testing.FakeTaskApp;
import dev.chokepoint.cli.testing.JavaProcess;
import dev.chokepoint.cli.testing.LocalJvm;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Set;

import static dev.chokepoint.cli.SamplerFaultsTest.assertLevels;
import static dev.chokepoint.cli.SamplerFaultsTest.number;
import static dev.chokepoint.cli.SamplerFaultsTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host at 100% CPU (issue 7, "load"): {@link FakeTaskApp} with one spinning thread per core
 * besides its fake task threads. Over a measured interval the sampler must keep its cadence within
 * 2× {@code delay} (SamplingTicks ≥ interval / (2 × delay)), and the levels must stay right: the
 * blocked subtasks HIGH, the idle and the busy ones OK.
 */
class LoadTest {

    private static final long DELAY_MILLIS = 20;
    private static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final Set<String> SUBTASKS = Set.of(
            "Source: Fake (1/2)#0", "MapOp (1/2)#0", "MapOp (2/2)#0", "Sink: Busy (1/1)#0");

    @Test
    void samplingKeepsItsCadenceAndItsLevelsWithEveryCoreBusy() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        String args = "samples=20,delay=" + DELAY_MILLIS + "ms,frames=" + FakeTaskApp.BUFFER_FRAME;
        try (JavaProcess app = JavaProcess.builder(FakeTaskApp.class.getName()).javaagent(args).logName("LoadTest").start()) {
            app.awaitOutput(FakeTaskApp.READY, Duration.ofSeconds(30));
            send(app, "burn " + cores);
            app.awaitOutput("burning " + cores, Duration.ofSeconds(30));
            try (LocalJmxConnection jmx = LocalJvm.connect(app.pid())) {
                ChokepointReader reader = new ChokepointReader(jmx.mbeans());
                com.sun.management.OperatingSystemMXBean os = ManagementFactory.newPlatformMXBeanProxy(jmx.mbeans(),
                        ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME, com.sun.management.OperatingSystemMXBean.class);
                assertLevels(AgentInForkedJvmTest.awaitFullWindows(reader, SUBTASKS));

                // strict for the agent: the interval runs from before the first read to after the last
                long start = System.nanoTime();
                long cpuStart = os.getProcessCpuTime();
                double ticksStart = number(reader, AgentAttributes.SAMPLING_TICKS);
                Thread.sleep(INTERVAL.toMillis());
                double ticksEnd = number(reader, AgentAttributes.SAMPLING_TICKS);
                long cpuEnd = os.getProcessCpuTime();
                long elapsedNanos = System.nanoTime() - start;

                double ticks = ticksEnd - ticksStart;
                double minimum = elapsedNanos / (2.0 * DELAY_MILLIS * 1_000_000);
                double coresUsed = (cpuEnd - cpuStart) / (double) elapsedNanos;
                String measured = String.format("%.0f ticks in %.2f s (delay %d ms: nominal %.0f, at least %.0f);"
                                + " the host used %.2f of %d cores", ticks, elapsedNanos / 1e9, DELAY_MILLIS,
                        elapsedNanos / (DELAY_MILLIS * 1e6), minimum, coresUsed, cores);
                System.out.println("LoadTest: " + measured);
                assertTrue(ticks >= minimum, "cadence lost under load: " + measured);
                assertEquals(0.0, number(reader, AgentAttributes.SAMPLING_ERRORS));
                assertLevels(AgentInForkedJvmTest.awaitFullWindows(reader, SUBTASKS));
            }
        }
    }
}

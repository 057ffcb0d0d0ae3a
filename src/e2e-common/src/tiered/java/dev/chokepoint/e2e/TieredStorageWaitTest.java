package dev.chokepoint.e2e;

import dev.chokepoint.api.AgentAttributes;
import dev.chokepoint.api.BackPressureLevel;
import dev.chokepoint.cli.jmx.ChokepointReader;
import dev.chokepoint.cli.jmx.LocalJmxConnection;
import dev.chokepoint.cli.jmx.TaskSnapshot;
import dev.chokepoint.cli.testing.JavaProcess;
import dev.chokepoint.cli.testing.LocalJvm;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hybrid shuffle's own blocking request, {@code TieredStorageMemoryManagerImpl.requestBufferBlockingFromPool}
 * (Flink 1.20 and 2.x, the same code), run for real by {@link TieredStorageWaitHarness}: the producer thread must be HIGH
 * from hard samples, once through the instrumentation (its {@code get(100 ms)} waits timed) and once
 * with the instrumentation off, where only the sampler's frame for that method can tell.
 */
class TieredStorageWaitTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String TIMED = "TieredStorageMemoryManagerImpl.requestBufferBlockingFromPool: CompletableFuture.get(timeout)";

    /** The {@code get(timeout)} substitution times the waits: about a second blocked per second. */
    @Test
    void instrumentationTimesTheWaitsOfTheTieredMemoryManager() throws Exception {
        run("", true);
    }

    /** Without bytecode changes the stack frame alone must mark the producer as blocked. */
    @Test
    void stackFrameFindsTheTieredMemoryManagerWaitWithoutInstrumentation() throws Exception {
        run("instrument=false", false);
    }

    private void run(String agentOptions, boolean instrumented) throws Exception {
        String logName = getClass().getSimpleName() + (instrumented ? "" : "-uninstrumented");
        AtomicReference<List<TaskSnapshot>> last = new AtomicReference<>(Collections.emptyList());
        try (JavaProcess child = JavaProcess.builder(TieredStorageWaitHarness.class.getName())
                .jvmArgs("-Xmx256m").javaagent(agentOptions).logName(logName).start()) {
            try {
                child.awaitOutput(TieredStorageWaitHarness.PRODUCING, TIMEOUT);
                try (LocalJmxConnection jmx = LocalJvm.connect(child.pid())) {
                    ChokepointReader reader = new ChokepointReader(jmx.mbeans());
                    if (instrumented) {
                        String instrumentation = String.valueOf(reader.agentAttribute(AgentAttributes.INSTRUMENTATION).orElse(""));
                        assertTrue(instrumentation.contains(TIMED), "Agent.Instrumentation: " + instrumentation);
                    }
                    await("the hybrid producer HIGH from hard samples over full windows")
                            .atMost(TIMEOUT)
                            .during(Duration.ofSeconds(3))
                            .pollInterval(Duration.ofSeconds(1))
                            .untilAsserted(() -> {
                                List<TaskSnapshot> tasks = reader.tasks();
                                last.set(tasks);
                                assertEquals(1, tasks.size(), "subtasks reported: " + tasks);
                                TaskSnapshot producer = tasks.get(0);
                                assertEquals(TieredStorageWaitHarness.VERTEX, producer.vertex);
                                assertEquals(FlinkBackpressureScenario.FULL_WINDOW, producer.samples, "window not full: " + producer);
                                assertEquals(BackPressureLevel.HIGH.name(), producer.backPressureLevel, "level: " + producer);
                                assertTrue(producer.hardBackPressureRatio > 0.5, "hard samples: " + producer);
                                if (instrumented) {
                                    assertTrue(producer.backPressuredTimeMsPerSecond > 500, "measured blocked time: " + producer);
                                } else {
                                    assertTrue(Double.isNaN(producer.backPressuredTimeMsPerSecond),
                                            "nothing is timed without instrumentation: " + producer);
                                }
                            });
                }
                System.out.printf("[%s] %s%n", logName, last.get());
            } catch (Throwable failure) {
                throw new AssertionError(failure.getMessage() + "\nlast read: " + last.get()
                        + "\nchild JVM output (" + child.log() + "):\n" + child.output(), failure);
            }
        }
    }
}

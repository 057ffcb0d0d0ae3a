package dev.chokepoint.cli;

import dev.chokepoint.api.AgentAttributes;
import dev.chokepoint.api.StatusJson;
import dev.chokepoint.cli.jmx.ChokepointReader;
import dev.chokepoint.cli.jmx.LocalJmxConnection;
import dev.chokepoint.cli.jmx.TaskSnapshot;
import dev.chokepoint.cli.report.JsonReport;
import dev.chokepoint.cli.report.JsonReportTestAccess;
import dev.chokepoint.cli.report.Snapshot;
import dev.chokepoint.cli.testing.ForkPoolApp;
import dev.chokepoint.cli.testing.JavaProcess;
import dev.chokepoint.cli.testing.LocalJvm;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The instrumentation verifies what it did (issue 14): a buffer pool whose rewrite matched no wait
 * call (a Flink fork that waits with {@code join()}) is named in {@code Instrumentation} and in one
 * log line, and the blocked time reads unknown, not 0, wherever it is shown. {@link ForkPoolApp}
 * runs such a pool next to one the agent does time, under Flink's class names.
 */
class InstrumentationVerifiedTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Set<String> SUBTASKS = Set.of(ForkPoolApp.LOCAL_POOL_TASK, ForkPoolApp.TIERED_TASK);

    @Test
    void aRewriteThatMatchedNoWaitCallSaysSoAndTheBlockedTimeStaysUnknown() throws Exception {
        try (JavaProcess app = JavaProcess.builder(ForkPoolApp.class.getName()).javaagent("samples=10,delay=10ms")
                .logName("InstrumentationVerified-join").start()) {
            app.awaitOutput(ForkPoolApp.READY, TIMEOUT);
            try (LocalJmxConnection jmx = LocalJvm.connect(app.pid())) {
                ChokepointReader reader = new ChokepointReader(jmx.mbeans());
                Map<String, TaskSnapshot> tasks = AgentInForkedJvmTest.awaitFullWindows(reader, SUBTASKS);

                String instrumentation = (String) reader.agentAttribute(AgentAttributes.INSTRUMENTATION).orElseThrow();
                assertEquals("timing TieredStorageMemoryManagerImpl.requestBufferBlockingFromPool: CompletableFuture.get(timeout);"
                        + " not timed: LocalBufferPool.requestMemorySegmentBlocking has no CompletableFuture.get() call"
                        + " (BackPressuredTimeMsPerSecond is NaN)", instrumentation);

                // found by its stack all the same, and its blocked time unknown rather than 0
                TaskSnapshot fork = tasks.get(ForkPoolApp.LOCAL_POOL_TASK);
                assertEquals("HIGH", fork.backPressureLevel, tasks.toString());
                assertTrue(Double.isNaN(fork.backPressuredTimeMsPerSecond), tasks.toString());
                // one pool the agent cannot time makes no blocked time trustworthy: every subtask reads NaN
                assertTrue(Double.isNaN(tasks.get(ForkPoolApp.TIERED_TASK).backPressuredTimeMsPerSecond), tasks.toString());
                // the timed pool's waits are really timed (the check is not blind)
                await().atMost(TIMEOUT).until(() ->
                        ((Number) reader.agentAttribute(AgentAttributes.TIMED_THREADS).orElseThrow()).intValue() == 1);

                // the CLI's JSON says unknown: null
                Snapshot snapshot = new Snapshot(app.pid(), "test", System.currentTimeMillis(),
                        reader.agentSettings().orElseThrow(), reader.tasks());
                assertNull(subtaskJson(JsonReport.render(snapshot), ForkPoolApp.LOCAL_POOL_TASK)
                        .get(StatusJson.BACK_PRESSURED_TIME_MS_PER_SECOND));
            }
            List<String> lines = app.output().lines().filter(l -> l.contains("LocalBufferPool.requestMemorySegmentBlocking"))
                    .collect(Collectors.toList());
            assertEquals(List.of("[chokepoint] ERROR org.apache.flink.runtime.io.network.buffer.LocalBufferPool"
                    + ".requestMemorySegmentBlocking has no CompletableFuture.get() call to time; exact blocked time is off"
                    + " (BackPressuredTimeMsPerSecond NaN), stack sampling goes on"), lines, app.output());
        }
    }

    private static Map<?, ?> subtaskJson(String json, String thread) throws Exception {
        Map<?, ?> root = (Map<?, ?>) JsonReportTestAccess.parse(json);
        return ((List<?>) root.get(StatusJson.VERTICES)).stream()
                .flatMap(vertex -> ((List<?>) ((Map<?, ?>) vertex).get(StatusJson.SUBTASKS)).stream())
                .map(subtask -> (Map<?, ?>) subtask)
                .collect(Collectors.toMap(subtask -> (String) subtask.get(StatusJson.THREAD), Function.identity()))
                .get(thread);
    }
}

package dev.chokepoint.e2e;

import dev.chokepoint.api.AgentAttributes;
import dev.chokepoint.api.BackPressureLevel;
import dev.chokepoint.cli.jmx.ChokepointReader;
import dev.chokepoint.cli.jmx.LocalJmxConnection;
import dev.chokepoint.cli.jmx.TaskSnapshot;
import dev.chokepoint.cli.testing.JavaProcess;
import dev.chokepoint.cli.testing.LocalJvm;
import org.junit.jupiter.api.Test;

import javax.management.InstanceNotFoundException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A failure in our code on Flink's buffer-request path never reaches Flink (issue 7, "faults
 * inside advice"): a real Flink 1.20 job ({@link BackpressureJob}: legacy source, map, slow sink;
 * the legacy source threads block in {@code requestMemorySegmentBlocking}, whose wait the agent
 * rewrites to call its bridge) runs with the agent; then {@link FaultyHandlerJob} installs a
 * bridge handler that throws on every call. The job must keep running, on the same attempts (a
 * failure that reached Flink would fail the task: a restart shows as attempt #1, no restart
 * strategy fails the job), the sink must keep receiving records (Flink's own {@code numRecordsIn}
 * over its JMX reporter), and the Agent MBean's {@code InstrumentationErrors} must count the failures.
 */
class Flink120FaultyHandlerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String SINK_RECORDS = "org.apache.flink.taskmanager.job.task.numRecordsIn:*";

    @Test
    void aFailingHandlerOnTheBufferRequestPathNeverReachesFlink() throws Exception {
        try (JavaProcess child = JavaProcess.builder(FaultyHandlerJob.class.getName())
                .jvmArgs("-Xmx1g").javaagent("").args("flinkJmx=true")
                .logName("Flink120FaultyHandlerTest").start()) {
            child.awaitOutput(BackpressureJob.SINK_RECEIVING, TIMEOUT);
            try (LocalJmxConnection jmx = LocalJvm.connect(child.pid())) {
                MBeanServerConnection mbeans = jmx.mbeans();
                ChokepointReader reader = new ChokepointReader(mbeans);
                await().atMost(TIMEOUT).until(() -> subtasks(reader).size() == 6);
                Set<String> before = subtasks(reader);
                assertTrue(before.stream().allMatch(name -> name.endsWith("#0")), before.toString());
                assertTrue(String.valueOf(reader.agentAttribute(AgentAttributes.INSTRUMENTATION).orElseThrow())
                        .startsWith("timing LocalBufferPool.requestMemorySegmentBlocking"), reader.agentAttribute(AgentAttributes.INSTRUMENTATION)::toString);
                assertEquals(0L, reader.agentAttribute(AgentAttributes.INSTRUMENTATION_ERRORS).orElseThrow());
                // the legacy sources really wait in buffer requests, i.e. call the bridge
                await().atMost(TIMEOUT).until(() -> ((Number) reader.agentAttribute(AgentAttributes.TIMED_THREADS).orElseThrow()).intValue() > 0);

                send(child, FaultyHandlerJob.INSTALL);
                child.awaitOutput(FaultyHandlerJob.INSTALLED, TIMEOUT);
                long installedAt = sinkRecords(mbeans);
                await().atMost(TIMEOUT).until(() -> instrumentationErrors(reader) >= 10);
                long errors = instrumentationErrors(reader);
                // the job goes on: the sink keeps receiving, and the errors keep coming (the sources keep requesting)
                await().atMost(TIMEOUT).until(() -> sinkRecords(mbeans) >= installedAt + 5_000);
                long records = sinkRecords(mbeans);
                await().atMost(TIMEOUT).until(() -> sinkRecords(mbeans) >= records + 1_000
                        && instrumentationErrors(reader) > errors);

                assertTrue(child.isAlive());
                assertEquals(before, subtasks(reader), "same subtasks, same attempts: no task failed or restarted");
                assertEquals(0L, reader.agentAttribute(AgentAttributes.SAMPLING_ERRORS).orElseThrow());
                List<TaskSnapshot> tasks = reader.tasks();
                TaskSnapshot source = tasks.stream().filter(t -> t.vertex.equals(BackpressureJob.SOURCE_VERTEX))
                        .findFirst().orElseThrow();
                assertEquals(BackPressureLevel.HIGH.name(), source.backPressureLevel, tasks.toString());
                assertFalse(child.output().contains("injected failure"), "no injected failure reached Flink or its log:\n"
                        + child.output());
                System.out.println("Flink120FaultyHandlerTest: InstrumentationErrors " + instrumentationErrors(reader)
                        + ", sink records " + installedAt + " at install -> " + sinkRecords(mbeans));
            }
        }
    }

    private static long instrumentationErrors(ChokepointReader reader) throws IOException {
        return ((Number) reader.agentAttribute(AgentAttributes.INSTRUMENTATION_ERRORS).orElseThrow()).longValue();
    }

    private static Set<String> subtasks(ChokepointReader reader) throws IOException {
        return reader.tasks().stream().map(t -> t.thread).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Records the sink subtasks have received, from Flink's own task metric. */
    private static long sinkRecords(MBeanServerConnection mbeans) throws Exception {
        long total = 0;
        for (ObjectName name : mbeans.queryNames(new ObjectName(SINK_RECORDS), null)) {
            String task = name.getKeyProperty("task_name");
            if (task != null && task.startsWith("Sink")) {
                try {
                    total += ((Number) mbeans.getAttribute(name, "Count")).longValue();
                } catch (InstanceNotFoundException gone) {
                    // a task that went away
                }
            }
        }
        return total;
    }

    private static void send(JavaProcess child, String command) throws IOException {
        OutputStream stdin = child.process().getOutputStream();
        stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }
}

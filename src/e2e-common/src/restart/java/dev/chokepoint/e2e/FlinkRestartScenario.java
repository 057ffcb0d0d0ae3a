package dev.chokepoint.e2e;

import dev.chokepoint.cli.jmx.ChokepointReader;
import dev.chokepoint.cli.jmx.LocalJmxConnection;
import dev.chokepoint.cli.jmx.TaskSnapshot;
import dev.chokepoint.cli.testing.JavaProcess;
import dev.chokepoint.cli.testing.LocalJvm;
import dev.chokepoint.e2e.FlinkMetricsOracle.TaskMetrics;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A restart (issue 14): {@link RestartJob}'s map fails its first attempt and Flink restarts every
 * task. After the restart each subtask must be the new attempt's: no MBean of attempt 0 left, and
 * the new attempt's figures read from the new task, checked against Flink's own view of that
 * attempt (its JMX reporter, {@code task_attempt_num=1}): Fail's output pool full, as Flink says,
 * and hard-backpressured; the FLIP-27 source's soft samples (read through the new task's mailbox
 * and output availability).
 */
public abstract class FlinkRestartScenario {

    static final Duration TIMEOUT = Duration.ofSeconds(90);
    static final int SAMPLES = 40;
    static final int READINGS = 10;

    @Test
    void afterARestartEverySubtaskIsTheNewAttemptsWithTheNewTasksFigures() throws Exception {
        String label = getClass().getSimpleName();
        try (JavaProcess child = JavaProcess.builder(RestartJob.class.getName()).jvmArgs("-Xmx512m")
                .javaagent("samples=" + SAMPLES + ",delay=50ms").logName(label).start()) {
            child.awaitOutput(RestartJob.RUNNING + "1 ", TIMEOUT);
            System.out.printf("[%s] Fail's first attempt failed, attempt 1 runs%n", label);
            try (LocalJmxConnection jmx = LocalJvm.connect(child.pid())) {
                ChokepointReader reader = new ChokepointReader(jmx.mbeans());
                FlinkMetricsOracle oracle = new FlinkMetricsOracle(jmx.mbeans());
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                List<TaskSnapshot> tasks;
                while (true) {
                    tasks = reader.tasks();
                    boolean newAttemptOnly = tasks.size() == 3 * RestartJob.PARALLELISM
                            && tasks.stream().allMatch(t -> t.thread.endsWith("#1") && t.samples >= SAMPLES);
                    if (newAttemptOnly) {
                        break;
                    }
                    assertTrue(System.nanoTime() < deadline, label + ": not only attempt 1's subtasks, each with a"
                            + " full window: " + tasks.stream().map(t -> t.thread + " " + t.samples).collect(Collectors.toList()));
                    Thread.sleep(500);
                }
                List<String> wrong = new ArrayList<>();
                for (int i = 0; i < READINGS; i++) {
                    tasks = reader.tasks();
                    Map<String, TaskMetrics> flink = oracle.read();
                    for (TaskSnapshot t : tasks) {
                        String where = "reading " + i + " " + t.thread;
                        if (!t.thread.endsWith("#1")) {
                            wrong.add(where + ": not attempt 1");
                            continue;
                        }
                        TaskMetrics m = flink.get(FlinkMetricsOracle.key(t.vertex, t.subtask));
                        if (t.vertex.equals(RestartJob.FAIL_VERTEX)) {
                            double theirs = m == null || m.attempt != 1 ? Double.NaN : m.number(FlinkMetricsOracle.OUT_POOL_USAGE);
                            if (Double.isNaN(t.outPoolUsage) || Double.isNaN(theirs) || t.outPoolUsage < 0.5 || theirs < 0.5
                                    || !"HIGH".equals(t.backPressureLevel)) {
                                wrong.add(where + ": " + t.backPressureLevel + ", outPoolUsage " + t.outPoolUsage
                                        + ", Flink's (attempt " + (m == null ? "-" : m.attempt) + ") " + theirs);
                            }
                        } else if (t.vertex.equals(RestartJob.SOURCE_VERTEX) && t.softBackPressureRatio < 0.5) {
                            wrong.add(where + ": soft " + t.softBackPressureRatio + " (hard " + t.hardBackPressureRatio
                                    + ", idle " + t.idleRatio + ")");
                        }
                    }
                    Thread.sleep(500);
                }
                System.out.printf("[%s] attempt 1: %d wrong of %d readings: %s%n", label, wrong.size(), READINGS, wrong);
                assertEquals(List.of(), wrong);
            }
            child.process().getOutputStream().write("exit\n".getBytes(StandardCharsets.UTF_8));
            child.process().getOutputStream().flush();
        }
    }
}

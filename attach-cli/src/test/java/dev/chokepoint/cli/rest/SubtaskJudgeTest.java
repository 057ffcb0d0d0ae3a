package dev.chokepoint.cli.rest;

import dev.chokepoint.api.Cause;
import dev.chokepoint.api.FlinkMetricNames;
import dev.chokepoint.cli.jmx.AgentSettings;
import dev.chokepoint.cli.jmx.TaskSnapshot;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One subtask's REST metrics (as the JobManager answers them: text) made into the report's subtask. */
class SubtaskJudgeTest {

    private static Map<String, String> pools() {
        Map<String, String> metrics = new HashMap<>();
        metrics.put(SubtaskJudge.OUT_POOL_USAGE, "1.0");
        metrics.put(SubtaskJudge.IN_POOL_USAGE, "0.25");
        metrics.put(SubtaskJudge.FLOATING_USAGE, "0.5");
        metrics.put(SubtaskJudge.EXCLUSIVE_USAGE, "0.0");
        metrics.put(SubtaskJudge.BYTES_IN_REMOTE_RATE, "1024.5");
        return metrics;
    }

    private static TaskSnapshot judge(Map<String, String> metrics) {
        return SubtaskJudge.judge("Map", 1, 4, "tm-1", "host-a", metrics, 42, AgentSettings.DEFAULTS,
                List.of("m>s"), List.of("s>m"));
    }

    @Test
    void theAgentsMetricsJudgeWhereTheyExist() {
        Map<String, String> metrics = pools();
        metrics.put(SubtaskJudge.agent(FlinkMetricNames.BACK_PRESSURE_RATIO), "0.3");
        metrics.put(SubtaskJudge.agent(FlinkMetricNames.LEVEL_CODE), "1");
        metrics.put(SubtaskJudge.agent(FlinkMetricNames.HARD_RATIO), "0.1");
        metrics.put(SubtaskJudge.agent(FlinkMetricNames.SOFT_RATIO), "0.2");
        metrics.put(SubtaskJudge.agent(FlinkMetricNames.IDLE_RATIO), "0.1");
        metrics.put(SubtaskJudge.agent(FlinkMetricNames.BUSY_RATIO), "0.6");
        metrics.put(SubtaskJudge.agent(FlinkMetricNames.LOCK_RATIO), "0.5");
        metrics.put(SubtaskJudge.agent(FlinkMetricNames.CPU_RATIO), "0.1");
        metrics.put(SubtaskJudge.agent(FlinkMetricNames.CAUSE), "LOCK");
        metrics.put(SubtaskJudge.agent(FlinkMetricNames.BLOCKED_TIME_MS_PER_SECOND), "95.0");
        // Flink's own are there too: the agent's win.
        metrics.put(SubtaskJudge.BACK_PRESSURED_MS, "1000.0");

        TaskSnapshot task = judge(metrics);

        assertEquals(TaskSnapshot.Placement.BY_AGENT, task.judgedBy);
        assertEquals("LOW", task.backPressureLevel);
        assertEquals(1, task.levelCode);
        assertEquals(0.3, task.backPressureRatio);
        assertEquals(0.2, task.softBackPressureRatio);
        assertEquals(0.6, task.busyRatio);
        assertEquals(0.5, task.lockRatio);
        assertEquals(Cause.LOCK, task.cause);
        assertEquals(95.0, task.backPressuredTimeMsPerSecond);
        assertEquals(0.25, task.inPoolUsage);
        assertEquals(1, task.remoteInputChannels, "bytes arrive over the network");
        assertEquals(42, task.recordsIn);
        assertEquals("tm-1", task.taskManager);
        assertEquals("host-a", task.host);
        assertEquals(List.of("s>m"), task.consumedPartitions);
    }

    @Test
    void theAgentsFiguresTextJudgesWithItsOwnPools() {
        // what RestSnapshotReader makes of one FIGURES text: no Flink metric was asked for
        Map<String, String> metrics = new HashMap<>();
        StringBuilder text = new StringBuilder();
        for (String field : FlinkMetricNames.FIGURE_FIELDS) {
            String value = field.equals(FlinkMetricNames.LEVEL_CODE) ? "2"
                    : field.equals(FlinkMetricNames.CAUSE) ? "CPU"
                    : field.equals(FlinkMetricNames.REMOTE_INPUT_CHANNELS_FIELD) ? "3"
                    : field.equals(FlinkMetricNames.OUT_POOL_USAGE_FIELD) ? "0.75"
                    : field.equals(FlinkMetricNames.PERSISTENCE_FIELD) ? "TEMPORARY"
                    : field.equals(FlinkMetricNames.BACK_PRESSURE_RATIO) ? "0.9" : "NaN";
            text.append(text.length() == 0 ? "" : FlinkMetricNames.FIELD_SEPARATOR).append(value);
        }
        FlinkMetricNames.unpack(text.toString()).forEach((field, value) -> metrics.put(SubtaskJudge.agent(field), value));

        TaskSnapshot task = judge(metrics);

        assertEquals(TaskSnapshot.Placement.BY_AGENT, task.judgedBy);
        assertEquals("HIGH", task.backPressureLevel);
        assertEquals(0.9, task.backPressureRatio);
        assertEquals(Cause.CPU, task.cause);
        assertEquals(0.75, task.outPoolUsage);
        assertEquals(Double.NaN, task.inPoolUsage);
        assertEquals(3, task.remoteInputChannels, "the agent counts the remote channels");
        assertEquals(dev.chokepoint.api.Persistence.TEMPORARY, task.history.persistence, "the history's verdict");
        assertEquals(List.of(), task.history.episodes, "an agent without the history text: the verdict alone");

        metrics.put(SubtaskJudge.HISTORY, "1000/5000/aku/1000:3000:2000:HIGH:0.900:");
        TaskSnapshot withHistory = judge(metrics);
        assertEquals(dev.chokepoint.api.Persistence.TEMPORARY, withHistory.history.persistence);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0, 0.5, 1}, withHistory.history.ratios(), 1e-9);
        assertEquals(5000, withHistory.history.endMillis);
        assertEquals(1, withHistory.history.episodes.size());
        assertEquals(2000, withHistory.history.episodes.get(0).getDurationMillis());
    }

    @Test
    void flinksBackpressuredTimeJudgesWithoutTheAgent() {
        Map<String, String> metrics = pools();
        metrics.put(SubtaskJudge.BACK_PRESSURED_MS, "800.0");
        metrics.put(SubtaskJudge.HARD_BACK_PRESSURED_MS, "300.0");
        metrics.put(SubtaskJudge.SOFT_BACK_PRESSURED_MS, "500.0");
        metrics.put(SubtaskJudge.BUSY_MS, "NaN"); // a legacy source's busy time
        metrics.put(SubtaskJudge.IDLE_MS, "200.0");

        TaskSnapshot task = judge(metrics);

        assertEquals(TaskSnapshot.Placement.BY_FLINK, task.judgedBy);
        assertEquals("HIGH", task.backPressureLevel, "0.8 through Flink's thresholds");
        assertEquals(0.8, task.backPressureRatio, 1e-9);
        assertEquals(0.3, task.hardBackPressureRatio, 1e-9);
        assertEquals(0.5, task.softBackPressureRatio, 1e-9);
        assertEquals(0.2, task.idleRatio, 1e-9);
        assertTrue(Double.isNaN(task.busyRatio));
        assertEquals(300.0, task.backPressuredTimeMsPerSecond, "the time blocked in buffer requests");
        assertTrue(Double.isNaN(task.cpuRatio), "Flink does not split the busy time");
        assertNull(task.cause);
    }

    @Test
    void withNeitherThereIsNoLevelButThePools() {
        TaskSnapshot task = judge(pools());

        assertEquals(TaskSnapshot.Placement.BY_NONE, task.judgedBy);
        assertNull(task.backPressureLevel);
        assertEquals(0, task.levelCode, "not counted as backpressured");
        assertTrue(Double.isNaN(task.backPressureRatio));
        assertEquals(1.0, task.outPoolUsage);
        assertEquals(0.5, task.floatingBuffersUsage);
    }
}

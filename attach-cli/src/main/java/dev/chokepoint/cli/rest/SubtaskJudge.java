package dev.chokepoint.cli.rest;

import dev.chokepoint.api.BackPressureLevel;
import dev.chokepoint.api.Cause;
import dev.chokepoint.api.FlinkMetricNames;
import dev.chokepoint.api.HistoryText;
import dev.chokepoint.api.Persistence;
import dev.chokepoint.cli.jmx.AgentSettings;
import dev.chokepoint.cli.jmx.TaskHistory;
import dev.chokepoint.cli.jmx.TaskSnapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One subtask's metrics, as the JobManager's REST API has them, made into the report's
 * {@link TaskSnapshot}: judged by the agent's metrics where its TaskManager runs the agent
 * ({@link FlinkMetricNames}), else by Flink's own time metrics where the version has them (1.13+),
 * else not at all (the pools still tell what they can).
 */
final class SubtaskJudge {

    // Flink's own task metrics (MetricNames, NettyShuffleMetricFactory, InputChannelMetrics; 1.9.3, 1.12.7, 1.20.3, 2.3.0)
    static final String BUSY_MS = "busyTimeMsPerSecond";                            // 1.13+
    static final String IDLE_MS = "idleTimeMsPerSecond";                            // 1.12: a Meter; 1.13+ a Gauge
    static final String BACK_PRESSURED_MS = "backPressuredTimeMsPerSecond";         // 1.13+
    static final String SOFT_BACK_PRESSURED_MS = "softBackPressuredTimeMsPerSecond"; // 1.15+
    static final String HARD_BACK_PRESSURED_MS = "hardBackPressuredTimeMsPerSecond"; // 1.15+
    // Registered under Shuffle.Netty from 1.9 on (1.9 to 1.20 also as the deprecated buffers.*, gone in 2.x).
    static final String OUT_POOL_USAGE = "Shuffle.Netty.Output.Buffers.outPoolUsage";
    static final String IN_POOL_USAGE = "Shuffle.Netty.Input.Buffers.inPoolUsage";
    static final String FLOATING_USAGE = "Shuffle.Netty.Input.Buffers.inputFloatingBuffersUsage";
    static final String EXCLUSIVE_USAGE = "Shuffle.Netty.Input.Buffers.inputExclusiveBuffersUsage";
    /** A Meter over the bytes read from remote channels (the task's IO group, 1.9+): above 0 when it reads over the network. */
    static final String BYTES_IN_REMOTE_RATE = "numBytesInRemotePerSecond";

    /** The agent's metrics the report shows ({@link FlinkMetricNames#BUFFER_WAIT_P99_MICROS} it does not): each costs request line. */
    private static final String[] AGENT = {
        FlinkMetricNames.BACK_PRESSURE_RATIO, FlinkMetricNames.LEVEL_CODE, FlinkMetricNames.HARD_RATIO,
        FlinkMetricNames.SOFT_RATIO, FlinkMetricNames.IDLE_RATIO, FlinkMetricNames.BUSY_RATIO,
        FlinkMetricNames.BLOCKED_TIME_MS_PER_SECOND,
        FlinkMetricNames.CPU_RATIO, FlinkMetricNames.GC_RATIO, FlinkMetricNames.LOCK_RATIO, FlinkMetricNames.IO_RATIO,
        FlinkMetricNames.SLEEP_RATIO, FlinkMetricNames.EXTERNAL_WAIT_RATIO, FlinkMetricNames.OTHER_BUSY_RATIO,
        FlinkMetricNames.CAUSE
    };

    /** The agent's figures in one text (agents since FIGURES): the first read of every subtask, with {@link #HISTORY}. */
    static final String FIGURES = agent(FlinkMetricNames.FIGURES);
    /** The agent's history in one text ({@link HistoryText}). */
    static final String HISTORY = agent(FlinkMetricNames.HISTORY);

    /** The agent's level code: read with Flink's metrics, it tells which subtasks run an older agent. */
    static final String AGENT_PROBE = agent(FlinkMetricNames.LEVEL_CODE);

    /** Read of every subtask: Flink's own metrics and {@link #AGENT_PROBE}. */
    static final List<String> FIRST = List.of(AGENT_PROBE, BUSY_MS, IDLE_MS, BACK_PRESSURED_MS, SOFT_BACK_PRESSURED_MS,
            HARD_BACK_PRESSURED_MS, OUT_POOL_USAGE, IN_POOL_USAGE, FLOATING_USAGE, EXCLUSIVE_USAGE, BYTES_IN_REMOTE_RATE);

    /**
     * Read then of the subtasks that run the agent: the rest of its metrics. Two rounds cost one
     * request more per vertex with the agent and save more than half the request line without it.
     */
    static final List<String> AGENT_REST;

    static {
        List<String> names = new ArrayList<>();
        for (String name : AGENT) {
            if (!agent(name).equals(AGENT_PROBE)) {
                names.add(agent(name));
            }
        }
        AGENT_REST = List.copyOf(names);
    }

    private SubtaskJudge() {
    }

    static String agent(String name) {
        return FlinkMetricNames.GROUP + "." + name;
    }

    /**
     * {@code metrics}: the subtask's values by name (without the index prefix), as text;
     * {@code recordsIn}: its records read (-1: unknown); {@code produced}/{@code consumed}: the edges
     * it writes and reads, for the job order.
     */
    static TaskSnapshot judge(String vertex, int subtask, int parallelism, String taskManager, String host,
                              Map<String, String> metrics, long recordsIn, AgentSettings settings,
                              List<String> produced, List<String> consumed) {
        TaskSnapshot.BufferPools flinkPools;
        TaskSnapshot.BusyCauses causes;
        double ratio;
        String judgedBy;
        double outPool = number(metrics, OUT_POOL_USAGE);
        double inPool = number(metrics, IN_POOL_USAGE);
        double floating = number(metrics, FLOATING_USAGE);
        double exclusive = number(metrics, EXCLUSIVE_USAGE);
        double remoteRate = number(metrics, BYTES_IN_REMOTE_RATE);
        int remote = Double.isNaN(remoteRate) ? -1 : remoteRate > 0 ? 1 : 0;
        int level;
        if (metrics.containsKey(agent(FlinkMetricNames.LEVEL_CODE))) {
            judgedBy = TaskSnapshot.Placement.BY_AGENT;
            if (metrics.containsKey(agent(FlinkMetricNames.OUT_POOL_USAGE_FIELD))) {
                // its FIGURES text carries the pools it reads: Flink's own were not asked for
                outPool = agentNumber(metrics, FlinkMetricNames.OUT_POOL_USAGE_FIELD);
                inPool = agentNumber(metrics, FlinkMetricNames.IN_POOL_USAGE_FIELD);
                floating = agentNumber(metrics, FlinkMetricNames.FLOATING_BUFFERS_USAGE_FIELD);
                exclusive = agentNumber(metrics, FlinkMetricNames.EXCLUSIVE_BUFFERS_USAGE_FIELD);
                double channels = agentNumber(metrics, FlinkMetricNames.REMOTE_INPUT_CHANNELS_FIELD);
                remote = Double.isNaN(channels) ? -1 : (int) channels;
            }
            ratio = agentNumber(metrics, FlinkMetricNames.BACK_PRESSURE_RATIO);
            level = (int) agentNumber(metrics, FlinkMetricNames.LEVEL_CODE);
            flinkPools = new TaskSnapshot.BufferPools(outPool, inPool, floating, exclusive,
                    agentNumber(metrics, FlinkMetricNames.HARD_RATIO), agentNumber(metrics, FlinkMetricNames.SOFT_RATIO),
                    agentNumber(metrics, FlinkMetricNames.IDLE_RATIO), agentNumber(metrics, FlinkMetricNames.BUSY_RATIO),
                    agentNumber(metrics, FlinkMetricNames.BLOCKED_TIME_MS_PER_SECOND), Double.NaN, Double.NaN,
                    Double.NaN, remote);
            causes = new TaskSnapshot.BusyCauses(agentNumber(metrics, FlinkMetricNames.CPU_RATIO),
                    agentNumber(metrics, FlinkMetricNames.GC_RATIO), agentNumber(metrics, FlinkMetricNames.LOCK_RATIO),
                    agentNumber(metrics, FlinkMetricNames.IO_RATIO), agentNumber(metrics, FlinkMetricNames.SLEEP_RATIO),
                    agentNumber(metrics, FlinkMetricNames.EXTERNAL_WAIT_RATIO),
                    agentNumber(metrics, FlinkMetricNames.OTHER_BUSY_RATIO),
                    cause(metrics.get(agent(FlinkMetricNames.CAUSE))), "", "", List.of(), recordsIn);
        } else if (metrics.containsKey(BACK_PRESSURED_MS)) {
            // Flink's own verdict (1.13+): its REST backpressure endpoint maps backPressuredTimeMsPerSecond / 1000
            // through the same thresholds. The hard share is the time blocked in buffer requests, the BP ms/s column.
            judgedBy = TaskSnapshot.Placement.BY_FLINK;
            ratio = number(metrics, BACK_PRESSURED_MS) / 1000;
            level = Double.isNaN(ratio) ? -1 : BackPressureLevel.of(ratio, settings.low, settings.high).code();
            double hardMs = number(metrics, HARD_BACK_PRESSURED_MS);
            flinkPools = new TaskSnapshot.BufferPools(outPool, inPool, floating, exclusive, hardMs / 1000,
                    number(metrics, SOFT_BACK_PRESSURED_MS) / 1000, number(metrics, IDLE_MS) / 1000,
                    number(metrics, BUSY_MS) / 1000, hardMs, Double.NaN, Double.NaN, Double.NaN, remote);
            causes = noCauses(recordsIn);
        } else {
            judgedBy = TaskSnapshot.Placement.BY_NONE;
            ratio = Double.NaN;
            level = -1;
            flinkPools = new TaskSnapshot.BufferPools(outPool, inPool, floating, exclusive, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, remote);
            causes = noCauses(recordsIn);
        }
        String levelName = level >= 0 && level < BackPressureLevel.values().length
                ? BackPressureLevel.values()[level].name() : null;
        int samples = settings.samples;
        return new TaskSnapshot(null, vertex, subtask, parallelism, ratio, levelName, Math.max(level, 0), samples,
                Double.isNaN(ratio) ? 0 : (int) Math.round(ratio * samples), flinkPools, produced, consumed, causes,
                new TaskSnapshot.Placement(taskManager, host, judgedBy), "", "",
                history(metrics.get(agent(FlinkMetricNames.PERSISTENCE_FIELD)), metrics.get(HISTORY)));
    }

    /**
     * The agent's history of the subtask as its Flink metrics carry it: the verdict (a field of its
     * figures) and the points and latest episodes ({@link HistoryText}, points to the twentieth);
     * the verdict alone from an agent without the history text; {@link TaskHistory#UNKNOWN} without
     * a verdict (no agent, an older one).
     */
    private static TaskHistory history(String persistence, String text) {
        if (persistence == null) {
            return TaskHistory.UNKNOWN;
        }
        Persistence verdict;
        try {
            verdict = Persistence.valueOf(persistence.trim());
        } catch (IllegalArgumentException e) {
            return TaskHistory.UNKNOWN;
        }
        HistoryText.Decoded history = HistoryText.decode(text);
        return history == null ? new TaskHistory(verdict, List.of(), new double[0], 0, -1)
                : new TaskHistory(verdict, history.episodes, history.ratios, history.stepMillis, history.endMillis);
    }

    private static TaskSnapshot.BusyCauses noCauses(long recordsIn) {
        return new TaskSnapshot.BusyCauses(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, null, "", "", List.of(), recordsIn);
    }

    private static double agentNumber(Map<String, String> metrics, String name) {
        return number(metrics, agent(name));
    }

    /** A metric's text as a number: {@code true} is 1; NaN when absent or not a number. */
    static double number(Map<String, String> metrics, String name) {
        String text = metrics.get(name);
        if (text == null) {
            return Double.NaN;
        }
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text) ? 1 : 0;
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static Cause cause(String name) {
        if (name == null) {
            return null;
        }
        try {
            return Cause.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}

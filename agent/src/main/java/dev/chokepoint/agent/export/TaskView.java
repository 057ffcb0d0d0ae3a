package dev.chokepoint.agent.export;

import dev.chokepoint.agent.aggregate.SampleWindow;
import dev.chokepoint.agent.aggregate.SubtaskState;
import dev.chokepoint.agent.classify.BackPressureLevel;
import dev.chokepoint.agent.config.AgentConfig;

/** The JMX face of a {@link SubtaskState}: every read is a lock-free volatile read. */
public final class TaskView implements TaskMXBean {

    /** Gives the thresholds in force now, which a reconfiguration may change. */
    public interface ConfigSource {
        AgentConfig config();
    }

    private final SubtaskState state;
    private final ConfigSource configSource;

    public TaskView(SubtaskState state, ConfigSource configSource) {
        this.state = state;
        this.configSource = configSource;
    }

    @Override
    public String getThread() {
        return state.name().subtaskName();
    }

    @Override
    public String getVertex() {
        return state.name().vertex();
    }

    @Override
    public int getSubtask() {
        return state.name().subtask();
    }

    @Override
    public int getParallelism() {
        return state.name().parallelism();
    }

    @Override
    public int getAttempt() {
        return state.name().attempt();
    }

    @Override
    public double getBackPressureRatio() {
        return SampleWindow.ratio(state.snapshot());
    }

    @Override
    public String getBackPressureLevel() {
        return level().name();
    }

    @Override
    public int getLevelCode() {
        return level().code();
    }

    @Override
    public int getSamples() {
        return SampleWindow.samples(state.snapshot());
    }

    @Override
    public int getBlockedSamples() {
        return SampleWindow.blocked(state.snapshot());
    }

    private BackPressureLevel level() {
        AgentConfig config = configSource.config();
        return BackPressureLevel.of(SampleWindow.ratio(state.snapshot()), config.low(), config.high());
    }
}

package dev.chokepoint.agent.export;

import dev.chokepoint.agent.aggregate.HistorySteps;
import dev.chokepoint.agent.aggregate.SubtaskRegistry;
import dev.chokepoint.agent.aggregate.SubtaskState;
import dev.chokepoint.agent.config.AgentConfig;
import dev.chokepoint.agent.discover.TaskThreadName;
import dev.chokepoint.api.ObjectNames;

import javax.management.ObjectName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * One Task MBean per subtask the registry holds: registered when the subtask appears, gone when it
 * does. Sampler thread only.
 */
public final class TaskMBeans implements SubtaskRegistry.Listener {

    private final MBeanExporter exporter;
    private final TaskView.ConfigSource configSource;
    private final Map<String, TaskView> views = new HashMap<>();
    /** The same views, for the per-tick walk (cheaper than a HashMap's). */
    private final List<TaskView> all = new ArrayList<>();
    private final HistorySteps historySteps = new HistorySteps();

    /** Epoch milliseconds, for the times of the history's points. */
    private final LongSupplier wallClock;

    public TaskMBeans(MBeanExporter exporter, TaskView.ConfigSource configSource) {
        this(exporter, configSource, new LongSupplier() {
            @Override
            public long getAsLong() {
                return System.currentTimeMillis();
            }
        });
    }

    /** With another wall clock, for tests that drive the ticks on a simulated clock. */
    TaskMBeans(MBeanExporter exporter, TaskView.ConfigSource configSource, LongSupplier wallClock) {
        this.exporter = exporter;
        this.configSource = configSource;
        this.wallClock = wallClock;
    }

    /** A Flink task's subtask is named with its job, so that two jobs' namesakes are two MBeans. */
    static ObjectName objectName(TaskThreadName name) {
        return name.jobId() == null ? ObjectNames.task(name.subtaskName())
                : ObjectNames.task(name.jobName(), name.jobId(), name.subtaskName());
    }

    @Override
    public void added(SubtaskState subtask) {
        String key = subtask.name().key();
        ObjectName objectName = objectName(subtask.name());
        TaskView view = new TaskView(subtask, configSource, objectName);
        subtask.exported(view);
        TaskView old = views.put(key, view);
        if (old != null) {
            all.remove(old);
        }
        all.add(view);
        exporter.register(objectName, view);
    }

    @Override
    public void removed(SubtaskState subtask) {
        TaskView view = views.remove(subtask.name().key());
        if (view != null) {
            all.remove(view);
            exporter.unregister(objectName(subtask.name()), view);
        }
    }

    /** The view of the subtask of that identity ({@link TaskThreadName#key()}), or null when it has none. */
    TaskView view(String key) {
        return views.get(key);
    }

    /** Every view, for a walk that may add nothing to this object. */
    List<TaskView> views() {
        return new ArrayList<>(all);
    }

    /**
     * After a tick, for a subtask whose counts changed: it tells its subscribers when its level
     * has changed. A subtask whose counts stayed keeps its level, unless the thresholds changed:
     * then {@link #publishLevels()}.
     */
    @Override
    public void changed(SubtaskState subtask) {
        Object view = subtask.exported();
        if (view instanceof TaskView) {
            ((TaskView) view).publishLevel();
        }
    }

    /** After a tick whose thresholds are new: each subtask tells its subscribers when its level has changed. */
    public void publishLevels() {
        for (int i = 0; i < all.size(); i++) {
            all.get(i).publishLevel();
        }
    }

    /**
     * After each tick: when a history step has ended (about once a second), each subtask records
     * its point and tells its subscribers of the episodes that start or end. Nothing on other ticks.
     */
    public void recordHistory(long tickStartNanos) {
        AgentConfig config = configSource.config();
        int steps = historySteps.tick(tickStartNanos, config.historyStepMillis());
        if (steps == 0) {
            return;
        }
        long nowMillis = wallClock.getAsLong();
        int ticks = historySteps.stepTicks();
        for (int i = 0; i < all.size(); i++) {
            all.get(i).recordHistory(ticks, steps, nowMillis, config);
        }
    }
}

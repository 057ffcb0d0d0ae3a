package dev.chokepoint.agent.export;

import dev.chokepoint.agent.aggregate.SubtaskState;
import dev.chokepoint.agent.flink.FlinkGauge;
import dev.chokepoint.agent.flink.FlinkMetricGroup;
import dev.chokepoint.agent.flink.FlinkTask;
import dev.chokepoint.agent.log.AgentLog;
import dev.chokepoint.api.FlinkMetricNames;

import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Registers each subtask's figures ({@link TaskFigure}) as Flink gauges in its task's own metric
 * group, sub-group {@link FlinkMetricNames#GROUP}, once per task attempt, when the sampler binds the
 * subtask to its task. Flink then carries them in its REST API, web UI and reporters, with its own
 * job, task and subtask labels. Sampler thread only.
 *
 * <p>Flink has no way to remove a metric: the gauges live as long as the task's group. They read the
 * subtask through a {@link Slot}, which holds its view weakly and reads NaN once the agent has let
 * the subtask go (a detach). The slots outlive the sampler: an agent attached again finds the slot
 * of a task it had published, points it at the new view, and registers nothing twice.
 */
public final class FlinkMetricsPublisher {

    /** Task metric group → its slot; weak keys, so that a finished task's group and slot go. */
    private static final Map<Object, Slot> SLOTS = Collections.synchronizedMap(new WeakHashMap<Object, Slot>());

    private final TaskMBeans mbeans;
    private final TaskView.ConfigSource configSource;

    public FlinkMetricsPublisher(TaskMBeans mbeans, TaskView.ConfigSource configSource) {
        this.mbeans = mbeans;
        this.configSource = configSource;
    }

    /** The subtask has just been bound to its Flink task: its gauges go into the task's metric group. */
    public void bound(SubtaskState subtask) {
        TaskView view = mbeans.view(subtask.name().key());
        if (view != null) {
            publish(view);
        }
    }

    /** {@code flinkMetrics} was turned on: the subtasks bound while it was off get their gauges now. */
    public void publishAll() {
        for (TaskView view : mbeans.views()) {
            publish(view);
        }
    }

    private void publish(TaskView view) {
        FlinkTask task = view.task();
        if (task == null || !configSource.config().flinkMetrics()) {
            return;
        }
        try {
            FlinkMetricGroup group = task.metricGroup();
            Slot slot = SLOTS.get(group.identity());
            if (slot == null) {
                slot = new Slot();
                // Before registering: a failure half-way must not register the rest a second time later.
                SLOTS.put(group.identity(), slot);
                register(group.subgroup(FlinkMetricNames.GROUP), slot);
            }
            slot.show(view);
        } catch (Throwable t) {
            AgentLog.errorOnce("flink-metrics:" + t.getClass().getName(), "Flink metrics not registered for "
                    + view.getThread() + ": " + t + " (reported once; sampling and the MBeans go on)");
        }
    }

    private static void register(FlinkMetricGroup group, Slot slot) throws ReflectiveOperationException {
        for (TaskFigure figure : TaskFigure.values()) {
            if (!group.has(figure.metricName)) {
                group.gauge(figure.metricName, new Reading(slot, figure), figure.unknown());
            }
        }
    }

    /**
     * What one task's gauges read: the view of its subtask in the agent that runs now. Holds the view
     * weakly (the view never holds the task), so nothing here keeps a finished task or a detached
     * agent's state reachable from Flink's metric registry.
     */
    static final class Slot {
        private volatile WeakReference<TaskView> view = new WeakReference<>(null);

        void show(TaskView newView) {
            if (view.get() != newView) {
                view = new WeakReference<>(newView);
            }
        }

        /** The view to read, or null when none feeds Flink's metrics now. */
        TaskView view() {
            TaskView current = view.get();
            return current != null && current.feedsFlinkMetrics() ? current : null;
        }
    }

    /** One gauge: one figure of the slot's view. */
    static final class Reading implements FlinkGauge.Source {
        private final Slot slot;
        private final TaskFigure figure;

        Reading(Slot slot, TaskFigure figure) {
            this.slot = slot;
            this.figure = figure;
        }

        @Override
        public Object value() {
            TaskView view = slot.view();
            return view == null ? null : figure.read(view);
        }
    }
}

package dev.chokepoint.agent.export;

import dev.chokepoint.agent.aggregate.SubtaskRegistry;
import dev.chokepoint.agent.aggregate.SubtaskState;
import dev.chokepoint.api.ObjectNames;

import javax.management.ObjectName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

    public TaskMBeans(MBeanExporter exporter, TaskView.ConfigSource configSource) {
        this.exporter = exporter;
        this.configSource = configSource;
    }

    @Override
    public void added(SubtaskState subtask) {
        String name = subtask.name().subtaskName();
        ObjectName objectName = ObjectNames.task(name);
        TaskView view = new TaskView(subtask, configSource, objectName);
        TaskView old = views.put(name, view);
        if (old != null) {
            all.remove(old);
        }
        all.add(view);
        exporter.register(objectName, view);
    }

    @Override
    public void removed(SubtaskState subtask) {
        String name = subtask.name().subtaskName();
        TaskView view = views.remove(name);
        if (view != null) {
            all.remove(view);
            exporter.unregister(ObjectNames.task(name), view);
        }
    }

    /** The view of the subtask of that name, or null when it has none. */
    TaskView view(String subtaskName) {
        return views.get(subtaskName);
    }

    /** Every view, for a walk that may add nothing to this object. */
    List<TaskView> views() {
        return new ArrayList<>(all);
    }

    /** After each tick: each subtask tells its subscribers when its level has changed. */
    public void publishLevels() {
        for (int i = 0; i < all.size(); i++) {
            all.get(i).publishLevel();
        }
    }
}

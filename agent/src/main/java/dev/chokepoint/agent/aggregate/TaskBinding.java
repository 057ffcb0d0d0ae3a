package dev.chokepoint.agent.aggregate;

import dev.chokepoint.agent.flink.FlinkTask;
import dev.chokepoint.agent.flink.ThreadRunnables;

/**
 * Gives a subtask the Flink {@code Task} its task thread runs, once, so that its pools can be read:
 * the Task is that thread's {@code Runnable}. A legacy source thread runs the source function, not
 * the Task, so only the task thread binds.
 */
public final class TaskBinding {

    private final ThreadRunnables runnables;

    /** @param runnables reads a thread's Runnable; null where java.lang could not be opened to us */
    public TaskBinding(ThreadRunnables runnables) {
        this.runnables = runnables;
    }

    /** @return true when this call bound the subtask to its Flink task: once per subtask, when it has one */
    public boolean bindIfNeeded(SubtaskState subtask, Thread thread, boolean legacySourceThread) {
        if (subtask.needsBinding() && !legacySourceThread) {
            subtask.bind(runnables == null ? null : FlinkTask.of(runnables.runnableOf(thread)));
            return subtask.task() != null;
        }
        return false;
    }
}

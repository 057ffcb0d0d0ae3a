package dev.chokepoint.agent.discover;

import dev.chokepoint.agent.flink.TaskOwners;

import java.lang.ref.WeakReference;
import java.util.WeakHashMap;

/**
 * Turns a thread's name into the identity of the Flink task attempt it works for, so that two
 * jobs' namesakes and two attempts of one subtask (Flink before 1.12 does not number attempts in
 * thread names) are different subtasks, and a connector's thread that only looks like a task
 * thread is none. Without access to Flink's tasks (java.lang not opened to the agent) the name
 * alone identifies, as it does for threads chosen by a user's regex outside Flink's task group.
 * Sampler thread only; holds tasks weakly.
 */
public final class TaskAttempts {

    private final TaskOwners owners;
    /** Task → the name of its task thread, resp. its legacy source thread, as that attempt's. */
    private final WeakHashMap<Object, TaskThreadName> taskThreads = new WeakHashMap<>();
    private final WeakHashMap<Object, TaskThreadName> legacySourceThreads = new WeakHashMap<>();
    /** Latched when some thread was seen running a Flink Task: from then on, this JVM is a TaskManager. */
    private boolean tasksSeen;

    /** @param owners reads Flink's tasks; null when the agent cannot */
    public TaskAttempts(TaskOwners owners) {
        this.owners = owners;
    }

    /**
     * The thread's subtask identity, or null for a thread of Flink's task thread group that works
     * for no task. The caller decides what such a thread is by {@link #tasksSeen()}: in a JVM
     * where no thread ever ran a Flink Task (a stand-in of Flink's thread names, as in the
     * benchmarks), the name is all there is.
     *
     * @param byName what the thread's name says (see {@link TaskThreadSelector})
     */
    public TaskThreadName identify(Thread thread, TaskThreadName byName, boolean inFlinkTaskGroup) {
        if (owners == null) {
            return byName;
        }
        Object task = owners.taskOf(thread, byName.legacySourceThread());
        if (task == null) {
            return inFlinkTaskGroup ? null : byName;
        }
        tasksSeen = true;
        // Fast path: the thread of this name worked for this task at the last tick too.
        WeakReference<Object> lastTask = byName.lastTask;
        if (lastTask != null && lastTask.get() == task) {
            return byName.lastAttempt;
        }
        WeakHashMap<Object, TaskThreadName> known = byName.legacySourceThread() ? legacySourceThreads : taskThreads;
        TaskThreadName attempt = known.get(task);
        if (attempt == null) {
            String[] identity = TaskOwners.identity(task);
            attempt = identity == null ? byName : byName.ofAttempt(identity[0], identity[1], identity[2]);
            known.put(task, attempt);
        }
        byName.lastTask = new WeakReference<>(task);
        byName.lastAttempt = attempt;
        return attempt;
    }

    /** True once a thread was seen running a Flink Task; always false without access to Flink's tasks. */
    public boolean tasksSeen() {
        return tasksSeen;
    }
}

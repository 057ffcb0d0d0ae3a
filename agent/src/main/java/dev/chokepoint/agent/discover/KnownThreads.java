package dev.chokepoint.agent.discover;

import java.util.Arrays;

/**
 * What the previous tick made of each thread it enumerated, in enumeration order, so that a thread
 * already identified costs two field compares instead of the name cache's and the task lookup's
 * work: at 1,000 task threads those lookups, each a few cache misses, were a third of a tick.
 * The JVM lists a group's threads in the order they joined it, so this tick's threads mostly
 * come in the previous tick's order: a cursor follows it, skipping the threads that have ended
 * since; a new or renamed thread is identified anew. Keyed by thread id (never reused in a JVM's
 * life) and name (the selector's key, which a thread may change); holds neither threads nor
 * tasks, only what the selector and {@link TaskAttempts} returned, and only until the next tick
 * replaces it. A thread's identity cannot change while its id and name stay: its group is fixed,
 * and the task it works for is its {@code Runnable} (or, for a legacy source thread, its outer
 * task's), fixed from its construction. Sampler thread only.
 */
public final class KnownThreads {

    /** Ended threads a lookup skips over before it gives up on the previous order. */
    private static final int LOOK_AHEAD = 16;

    private long[] ids = new long[256];
    private String[] names = new String[256];
    private TaskThreadName[] byName = new TaskThreadName[256];
    private TaskThreadName[] subtasks = new TaskThreadName[256];
    private int count;
    /** The next tick's table, filled as this tick goes. */
    private long[] nextIds = new long[256];
    private String[] nextNames = new String[256];
    private TaskThreadName[] nextByName = new TaskThreadName[256];
    private TaskThreadName[] nextSubtasks = new TaskThreadName[256];
    private int nextCount;
    private int cursor;

    /**
     * The entry of the previous tick for the thread of this id and name, or -1 when there is none
     * (a new thread, a renamed one, or one out of the previous order).
     */
    public int find(long id, String name) {
        int end = Math.min(count, cursor + LOOK_AHEAD);
        for (int i = cursor; i < end; i++) {
            if (ids[i] == id) {
                String known = names[i];
                if (known == name || (known != null && known.equals(name))) {
                    cursor = i + 1;
                    return i;
                }
                return -1;
            }
        }
        return -1;
    }

    /** For an entry {@link #find} returned: what the selector said, null for a thread that is no task thread. */
    public TaskThreadName byName(int entry) {
        return byName[entry];
    }

    /** For an entry {@link #find} returned: what {@link TaskAttempts} said, null for a task-named thread of no task. */
    public TaskThreadName subtask(int entry) {
        return subtasks[entry];
    }

    /** Records what this tick made of a thread, in enumeration order, for the next tick. */
    public void keep(long id, String name, TaskThreadName threadByName, TaskThreadName subtask) {
        if (nextCount == nextIds.length) {
            int grown = nextCount * 2;
            nextIds = Arrays.copyOf(nextIds, grown);
            nextNames = Arrays.copyOf(nextNames, grown);
            nextByName = Arrays.copyOf(nextByName, grown);
            nextSubtasks = Arrays.copyOf(nextSubtasks, grown);
        }
        nextIds[nextCount] = id;
        nextNames[nextCount] = name;
        nextByName[nextCount] = threadByName;
        nextSubtasks[nextCount] = subtask;
        nextCount++;
    }

    /** After the tick's threads: what was kept becomes what the next tick finds. */
    public void endTick() {
        long[] oldIds = ids;
        String[] oldNames = names;
        TaskThreadName[] oldByName = byName;
        TaskThreadName[] oldSubtasks = subtasks;
        int oldCount = count;
        ids = nextIds;
        names = nextNames;
        byName = nextByName;
        subtasks = nextSubtasks;
        count = nextCount;
        // the older table is next to be filled: drop its references, so that no name stays reachable
        nextIds = oldIds;
        nextNames = oldNames;
        nextByName = oldByName;
        nextSubtasks = oldSubtasks;
        clearNext(oldCount);
        nextCount = 0;
        cursor = 0;
    }

    /** Forgets everything, e.g. when the settings that decided it change. */
    public void clear() {
        clearNext(nextCount);
        nextCount = 0;
        endTick();
    }

    /** Drops the references of the first {@code count} entries of the table being filled. */
    private void clearNext(int count) {
        Arrays.fill(nextNames, 0, count, null);
        Arrays.fill(nextByName, 0, count, null);
        Arrays.fill(nextSubtasks, 0, count, null);
    }
}

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
 * tasks, only what the selector and {@link TaskAttempts} returned for the threads of the last
 * tick. While a tick's threads come exactly in the table's order (a running TaskManager, most
 * ticks) the table stands as it is and the tick writes nothing to it: rewriting every entry at
 * every tick (four stores per thread, three of them references, each with the collector's
 * barrier, into a second table) cost more than the lookups it saved. From the first thread that
 * departs from it, the tick builds a new table, which replaces the old one at its end. A
 * thread's identity cannot change while its id and name stay: its group is fixed, and the task it
 * works for is its {@code Runnable} (or, for a legacy source thread, its outer task's), fixed from
 * its construction. Sampler thread only.
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
    /** The entry of the table the next thread is expected at. */
    private int cursor;
    /** True once this tick's threads departed from the table's order: the next table is being built. */
    private boolean rebuilding;
    /** The last {@link #find} matched the entry at the cursor in place: its {@link #keep} only moves on. */
    private boolean matched;

    /**
     * The entry of the previous tick for the thread of this id and name, or -1 when there is none
     * (a new thread, a renamed one, or one out of the previous order).
     */
    public int find(long id, String name) {
        matched = false;
        if (!rebuilding) {
            if (cursor < count && ids[cursor] == id && sameName(names[cursor], name)) {
                matched = true;
                return cursor;
            }
            rebuild();
        }
        int end = Math.min(count, cursor + LOOK_AHEAD);
        for (int i = cursor; i < end; i++) {
            if (ids[i] == id) {
                if (sameName(names[i], name)) {
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

    private static boolean sameName(String known, String name) {
        return known == name || (known != null && known.equals(name));
    }

    /**
     * Records what this tick made of a thread, in enumeration order, for the next tick. Called once
     * for every thread, right after its {@link #find}: for a thread found where the table expected
     * it, with what the entry holds.
     */
    public void keep(long id, String name, TaskThreadName threadByName, TaskThreadName subtask) {
        if (matched) {
            matched = false;
            cursor++;
            return;
        }
        if (!rebuilding) {
            rebuild();
        }
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

    /** From here on this tick builds a new table: it starts with the entries matched so far. */
    private void rebuild() {
        rebuilding = true;
        if (nextIds.length < cursor) {
            nextIds = new long[ids.length];
            nextNames = new String[ids.length];
            nextByName = new TaskThreadName[ids.length];
            nextSubtasks = new TaskThreadName[ids.length];
        }
        System.arraycopy(ids, 0, nextIds, 0, cursor);
        System.arraycopy(names, 0, nextNames, 0, cursor);
        System.arraycopy(byName, 0, nextByName, 0, cursor);
        System.arraycopy(subtasks, 0, nextSubtasks, 0, cursor);
        nextCount = cursor;
    }

    /** After the tick's threads: what was kept becomes what the next tick finds. */
    public void endTick() {
        if (!rebuilding) {
            if (cursor == count) {
                cursor = 0; // the same threads in the same order: the table stands
                matched = false;
                return;
            }
            rebuild(); // the table's last threads have ended
        }
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
        rebuilding = false;
        matched = false;
    }

    /** Forgets everything, e.g. when the settings that decided it change. */
    public void clear() {
        clearNext(nextCount);
        nextCount = 0;
        cursor = 0;
        rebuilding = true; // an empty next table replaces the table
        endTick();
    }

    /** Drops the references of the first {@code count} entries of the table being filled. */
    private void clearNext(int count) {
        Arrays.fill(nextNames, 0, count, null);
        Arrays.fill(nextByName, 0, count, null);
        Arrays.fill(nextSubtasks, 0, count, null);
    }
}

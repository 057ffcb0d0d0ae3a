package dev.chokepoint.agent.sample;

import dev.chokepoint.agent.discover.TaskThreadName;
import dev.chokepoint.agent.instrument.ThreadWaits;

import java.util.Arrays;

/**
 * The task threads a tick will sample, found while it identifies the JVM's threads and sampled
 * after: by their slot in the tick's thread list, with the subtask each works for, its wait record
 * and what the caller keeps for it (its subtask's state). Sampling in a pass of its own, after a
 * short pass that only looks up each one's subtask state, lets the CPU have many of those cache
 * misses in flight at once rather than wait for each in turn. Sampler thread only; cleared after
 * each tick so that nothing of a finished task stays reachable.
 */
public final class TaskThreadBatch {

    private int[] slots = new int[64];
    private TaskThreadName[] subtasks = new TaskThreadName[64];
    private ThreadWaits[] waits = new ThreadWaits[64];
    private Object[] kept = new Object[64];
    private int size;

    /** @param threadWaits the thread's wait record, null when it has none or timing is off */
    public void add(int slot, TaskThreadName subtask, ThreadWaits threadWaits) {
        if (size == slots.length) {
            int grown = size * 2;
            slots = Arrays.copyOf(slots, grown);
            subtasks = Arrays.copyOf(subtasks, grown);
            waits = Arrays.copyOf(waits, grown);
            kept = Arrays.copyOf(kept, grown);
        }
        slots[size] = slot;
        subtasks[size] = subtask;
        waits[size] = threadWaits;
        size++;
    }

    public int size() {
        return size;
    }

    public int slot(int i) {
        return slots[i];
    }

    public TaskThreadName subtask(int i) {
        return subtasks[i];
    }

    public ThreadWaits waits(int i) {
        return waits[i];
    }

    public Object kept(int i) {
        return kept[i];
    }

    public void keep(int i, Object value) {
        kept[i] = value;
    }

    public void clear() {
        Arrays.fill(subtasks, 0, size, null);
        Arrays.fill(waits, 0, size, null);
        Arrays.fill(kept, 0, size, null);
        size = 0;
    }
}

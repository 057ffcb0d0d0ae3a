package dev.chokepoint.agent.aggregate;

import dev.chokepoint.agent.classify.ThreadState;
import dev.chokepoint.agent.discover.TaskThreadName;
import dev.chokepoint.agent.instrument.ThreadWaits;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The subtasks seen by the sampler, keyed by {@link TaskThreadName#key()}: a Flink task attempt's
 * job and attempt ids, else the subtask's name. A subtask none of whose threads is
 * alive at a tick is dropped at that tick: it leaves within one window, as the JMX contract says.
 * Not thread-safe: owned by the sampler thread; readers use {@link SubtaskState#snapshot()}.
 */
public final class SubtaskRegistry {

    /** Told when a subtask appears or disappears, e.g. to (un)register its MBean. */
    public interface Listener {
        void added(SubtaskState subtask);

        void removed(SubtaskState subtask);

        /**
         * After a tick, once every subtask has recorded it: the subtask's published sample counts
         * changed at this tick (so may its level). Not told of a subtask whose counts stayed.
         */
        default void changed(SubtaskState subtask) {
        }
    }

    private final Map<String, SubtaskState> subtasks = new HashMap<>();
    /** The same states, for the per-tick walk over all of them (cheaper than a HashMap's). */
    private final List<SubtaskState> all = new ArrayList<>();
    private final Listener listener;
    /** The subtasks whose counts changed at the tick being closed, told to the listener at its end. */
    private SubtaskState[] changed = new SubtaskState[64];
    private int windowSize;
    private int checkpointsPerWindow = 2;
    /** The ticks' lengths, the same for every subtask's window: kept once, not in each. */
    private TickLengths tickLengths;

    public SubtaskRegistry(int windowSize, Listener listener) {
        this.windowSize = windowSize;
        this.listener = listener;
        this.tickLengths = new TickLengths(windowSize);
    }

    /** The subtask of that identity, or null when none has been seen yet. */
    public SubtaskState get(TaskThreadName name) {
        Object cached = name.aggregate();
        if (cached instanceof SubtaskState && ((SubtaskState) cached).heldBy(this)) {
            return (SubtaskState) cached;
        }
        SubtaskState state = subtasks.get(name.key());
        name.aggregate(state);
        return state;
    }

    /**
     * One thread of subtask {@code name} was sampled in {@code tick}.
     *
     * @param waits the thread's instrumented buffer requests, null when it has made none or nothing is instrumented
     * @return the subtask's state
     */
    public SubtaskState observe(TaskThreadName name, long tick, boolean isLegacySourceThread, ThreadState threadState,
                                ThreadWaits waits, long nowNanos) {
        return observe(name, tick, isLegacySourceThread, -1L, threadState, waits, null, null, nowNanos);
    }

    /** As above, with the thread's id (for its CPU time) and, for a locked thread, its lock and the lock's owner. */
    public SubtaskState observe(TaskThreadName name, long tick, boolean isLegacySourceThread, long threadId,
                                ThreadState threadState, ThreadWaits waits, String lockClass, String lockOwner,
                                long nowNanos) {
        SubtaskState state = get(name);
        if (state == null) {
            state = new SubtaskState(name, windowSize, checkpointsPerWindow, tickLengths);
            state.holder = this;
            subtasks.put(name.key(), state);
            all.add(state);
            name.aggregate(state);
            listener.added(state);
        }
        state.observe(tick, isLegacySourceThread, threadId, threadState, waits, lockClass, lockOwner, nowNanos);
        return state;
    }

    /** Records the tick's sample of every subtask seen in it and drops the subtasks that were not. */
    public void endTick(long tick, long tickNanos) {
        endTick(tick, tickNanos, null);
    }

    /** As above; {@code checkpoint} (null on most ticks) has every subtask read its CPU time. */
    public void endTick(long tick, long tickNanos, SubtaskState.Checkpoint checkpoint) {
        int changedCount = 0;
        tickLengths.add(tickNanos);
        try {
            for (int i = all.size() - 1; i >= 0; i--) {
                SubtaskState state = all.get(i);
                if (state.seenAt(tick)) {
                    if (state.closeTick(checkpoint)) {
                        if (changedCount == changed.length) {
                            changed = Arrays.copyOf(changed, changedCount * 2);
                        }
                        changed[changedCount++] = state;
                    }
                } else {
                    // Order does not matter: the last one takes its place.
                    all.set(i, all.get(all.size() - 1));
                    all.remove(all.size() - 1);
                    subtasks.remove(state.name().key());
                    state.markRemoved();
                    listener.removed(state);
                }
            }
            for (int i = 0; i < changedCount; i++) {
                listener.changed(changed[i]);
            }
        } finally {
            Arrays.fill(changed, 0, changedCount, null);
        }
    }

    /** New window size: the old samples no longer describe the new window, so every window starts over. */
    public void resize(int newWindowSize) {
        resize(newWindowSize, checkpointsPerWindow);
    }

    /** @param checkpoints CPU-time checkpoints per window (about one a second) */
    public void resize(int newWindowSize, int checkpoints) {
        windowSize = newWindowSize;
        checkpointsPerWindow = checkpoints;
        tickLengths = new TickLengths(newWindowSize);
        for (SubtaskState state : all) {
            state.resize(newWindowSize, checkpoints, tickLengths);
        }
    }

    public int size() {
        return subtasks.size();
    }

    /** Forgets every subtask, telling the listener, e.g. when the agent stops. */
    public void clear() {
        List<SubtaskState> gone = new ArrayList<>(all);
        subtasks.clear();
        all.clear();
        for (SubtaskState state : gone) {
            state.markRemoved();
            listener.removed(state);
        }
    }
}

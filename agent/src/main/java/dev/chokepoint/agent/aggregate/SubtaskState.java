package dev.chokepoint.agent.aggregate;

import dev.chokepoint.agent.discover.TaskThreadName;

/**
 * One subtask's samples. Holds the subtask's identity as strings and numbers only: never its
 * threads, so a finished task stays collectable.
 */
public final class SubtaskState {

    private final TaskThreadName name;
    private SampleWindow window;
    private volatile long snapshot = SampleWindow.pack(0, 0);
    private long seenAtTick = -1;
    private boolean blockedThisTick;

    SubtaskState(TaskThreadName name, int windowSize) {
        this.name = name;
        this.window = new SampleWindow(windowSize);
    }

    public TaskThreadName name() {
        return name;
    }

    /** Samples and blocked samples in the window; see {@link SampleWindow} for decoding. */
    public long snapshot() {
        return snapshot;
    }

    /** One of the subtask's threads was sampled: the tick's sample is blocked if any of them is. */
    void observe(long tick, boolean blocked) {
        if (seenAtTick != tick) {
            seenAtTick = tick;
            blockedThisTick = false;
        }
        blockedThisTick |= blocked;
    }

    boolean seenAt(long tick) {
        return seenAtTick == tick;
    }

    void closeTick() {
        window.record(blockedThisTick);
        snapshot = window.snapshot();
    }

    void resize(int windowSize) {
        window = new SampleWindow(windowSize);
        snapshot = window.snapshot();
    }
}

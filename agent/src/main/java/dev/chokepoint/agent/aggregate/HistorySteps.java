package dev.chokepoint.agent.aggregate;

import dev.chokepoint.api.Settings;

/**
 * When the history's steps end, on the sampler's clock: told of every tick, it answers how many
 * steps ended with it (0 on most ticks; more than 1 only after the sampler stalled) and how many
 * ticks, hence samples of each subtask, the step holds. Sampler thread only; allocates nothing.
 */
public final class HistorySteps {

    private long stepNanos = -1;
    private long lastStepNanos;
    private int ticks;
    private int stepTicks;

    /**
     * A tick started at {@code nowNanos}.
     *
     * @return the steps that ended with it; 0 for the first tick after a change of step, which starts the count
     */
    public int tick(long nowNanos, long stepMillis) {
        long step = stepMillis * 1_000_000L;
        if (step != stepNanos) {
            stepNanos = step;
            lastStepNanos = nowNanos;
            ticks = 0;
            return 0;
        }
        ticks++;
        long elapsed = nowNanos - lastStepNanos;
        if (elapsed < stepNanos) {
            return 0;
        }
        long steps = elapsed / stepNanos;
        lastStepNanos += steps * stepNanos;
        stepTicks = ticks;
        ticks = 0;
        return (int) Math.min(steps, Settings.HISTORY_POINTS_MAX);
    }

    /** Ticks in the steps that ended with the last tick that ended any. */
    public int stepTicks() {
        return stepTicks;
    }
}

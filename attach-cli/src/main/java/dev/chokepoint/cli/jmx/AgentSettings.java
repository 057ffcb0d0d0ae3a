package dev.chokepoint.cli.jmx;

import dev.chokepoint.api.Settings;

import java.util.Locale;

/**
 * The settings of the agent running in the target, as its typed attributes report them: what a
 * report needs to say how full the window is, how long filling it takes, and where the level
 * thresholds lie.
 */
public final class AgentSettings {

    /** The agent's defaults ({@link Settings}): what an agent that reports no settings runs with. */
    public static final AgentSettings DEFAULTS = new AgentSettings(Settings.SAMPLES_DEFAULT,
            Settings.DELAY_MILLIS_DEFAULT, Settings.LOW_DEFAULT, Settings.HIGH_DEFAULT);

    /** Samples per subtask in a full window. */
    public final int samples;
    /** Time between samples. */
    public final long delayMillis;
    /** A ratio at or below it is OK. */
    public final double low;
    /** A ratio at or below it (and above {@link #low}) is LOW, above it HIGH. */
    public final double high;

    public AgentSettings(int samples, long delayMillis, double low, double high) {
        this.samples = samples;
        this.delayMillis = delayMillis;
        this.low = low;
        this.high = high;
    }

    /** How long one full window of samples takes at the agent's cadence (more on a busy host). */
    public long windowMillis() {
        return samples * delayMillis;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "samples=%d,delay=%dms,low=%s,high=%s", samples, delayMillis, low, high);
    }
}

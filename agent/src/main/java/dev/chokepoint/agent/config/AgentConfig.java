package dev.chokepoint.agent.config;

import dev.chokepoint.api.Settings;

import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/** The agent's effective settings, immutable; a reconfiguration replaces the whole object. */
public final class AgentConfig {

    private final int samples;
    private final long delayMillis;
    private final double low;
    private final double high;
    private final Pattern threads;
    private final List<FrameSignature> frames;
    private final int depth;
    private final boolean instrument;
    private final boolean flinkMetrics;
    private final long historyMillis;
    private final long historyStepMillis;
    private final long persistentAfterMillis;

    public AgentConfig(int samples, long delayMillis, double low, double high, Pattern threads,
                       List<FrameSignature> frames, int depth, boolean instrument, boolean flinkMetrics) {
        this(samples, delayMillis, low, high, threads, frames, depth, instrument, flinkMetrics,
                Settings.HISTORY_MILLIS_DEFAULT, Settings.HISTORY_STEP_MILLIS_DEFAULT,
                Settings.PERSISTENT_AFTER_MILLIS_DEFAULT);
    }

    public AgentConfig(int samples, long delayMillis, double low, double high, Pattern threads,
                       List<FrameSignature> frames, int depth, boolean instrument, boolean flinkMetrics,
                       long historyMillis, long historyStepMillis, long persistentAfterMillis) {
        this.samples = samples;
        this.delayMillis = delayMillis;
        this.low = low;
        this.high = high;
        this.threads = threads;
        this.frames = Collections.unmodifiableList(frames);
        this.depth = depth;
        this.instrument = instrument;
        this.flinkMetrics = flinkMetrics;
        this.historyMillis = historyMillis;
        this.historyStepMillis = historyStepMillis;
        this.persistentAfterMillis = persistentAfterMillis;
    }

    public int samples() {
        return samples;
    }

    public long delayMillis() {
        return delayMillis;
    }

    public double low() {
        return low;
    }

    public double high() {
        return high;
    }

    /** The user's thread-name regex, or null for Flink's task threads. */
    public Pattern threads() {
        return threads;
    }

    public List<FrameSignature> frames() {
        return frames;
    }

    /** The extra frames in the setting's own syntax, {@code ;}-separated; empty for none. */
    public String framesText() {
        StringBuilder text = new StringBuilder();
        for (FrameSignature frame : frames) {
            if (text.length() > 0) {
                text.append(';');
            }
            text.append(frame);
        }
        return text.toString();
    }

    public int depth() {
        return depth;
    }

    /** True when blocking buffer requests are timed by bytecode instrumentation. */
    public boolean instrument() {
        return instrument;
    }

    /** True when the subtasks' figures are published as Flink metrics in their tasks' metric groups. */
    public boolean flinkMetrics() {
        return flinkMetrics;
    }

    /** How far back each subtask's history reaches; 0 for none. */
    public long historyMillis() {
        return historyMillis;
    }

    public long historyStepMillis() {
        return historyStepMillis;
    }

    /** Points in each subtask's history: {@code history / historyStep}, 0 for none. */
    public int historyPoints() {
        return (int) (historyMillis / historyStepMillis);
    }

    /** An ongoing episode this long makes its subtask PERSISTENT. */
    public long persistentAfterMillis() {
        return persistentAfterMillis;
    }

    /** The settings in the agent's own argument syntax, as shown by the Agent MBean. */
    @Override
    public String toString() {
        return Settings.SAMPLES + "=" + samples
                + "," + Settings.DELAY + "=" + delayMillis + "ms"
                + "," + Settings.LOW + "=" + low
                + "," + Settings.HIGH + "=" + high
                + "," + Settings.THREADS + "=" + (threads == null ? "<Flink task threads>" : threads.pattern())
                + "," + Settings.FRAMES + "=" + framesText()
                + "," + Settings.DEPTH + "=" + depth
                + "," + Settings.INSTRUMENT + "=" + instrument
                + "," + Settings.FLINK_METRICS + "=" + flinkMetrics
                + "," + Settings.HISTORY + "=" + historyMillis + "ms"
                + "," + Settings.HISTORY_STEP + "=" + historyStepMillis + "ms"
                + "," + Settings.PERSISTENT_AFTER + "=" + persistentAfterMillis + "ms";
    }
}

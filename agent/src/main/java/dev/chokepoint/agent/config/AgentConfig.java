package dev.chokepoint.agent.config;

import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/** The agent's effective settings, immutable; a reconfiguration replaces the whole object. */
public final class AgentConfig {

    public static final int DEFAULT_SAMPLES = 100;
    public static final long DEFAULT_DELAY_MILLIS = 50;
    public static final double DEFAULT_LOW = 0.10;
    public static final double DEFAULT_HIGH = 0.5;
    public static final int DEFAULT_DEPTH = 16;

    private final int samples;
    private final long delayMillis;
    private final double low;
    private final double high;
    private final Pattern threads;
    private final List<FrameSignature> frames;
    private final int depth;
    private final boolean instrument;

    public AgentConfig(int samples, long delayMillis, double low, double high, Pattern threads,
                       List<FrameSignature> frames, int depth, boolean instrument) {
        this.samples = samples;
        this.delayMillis = delayMillis;
        this.low = low;
        this.high = high;
        this.threads = threads;
        this.frames = Collections.unmodifiableList(frames);
        this.depth = depth;
        this.instrument = instrument;
    }

    public static AgentConfig defaults() {
        return new AgentConfig(DEFAULT_SAMPLES, DEFAULT_DELAY_MILLIS, DEFAULT_LOW, DEFAULT_HIGH, null,
                Collections.<FrameSignature>emptyList(), DEFAULT_DEPTH, true);
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

    public int depth() {
        return depth;
    }

    /** True when blocking buffer requests are timed by bytecode instrumentation. */
    public boolean instrument() {
        return instrument;
    }

    /** The settings in the agent's own argument syntax, as shown by the Agent MBean. */
    @Override
    public String toString() {
        StringBuilder framesText = new StringBuilder();
        for (FrameSignature frame : frames) {
            if (framesText.length() > 0) {
                framesText.append(';');
            }
            framesText.append(frame);
        }
        return "samples=" + samples
                + ",delay=" + delayMillis + "ms"
                + ",low=" + low
                + ",high=" + high
                + ",threads=" + (threads == null ? "<Flink task threads>" : threads.pattern())
                + ",frames=" + framesText
                + ",depth=" + depth
                + ",instrument=" + instrument;
    }
}

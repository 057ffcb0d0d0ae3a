package dev.chokepoint.api;

import javax.management.openmbean.CompositeData;

/**
 * A span during which a subtask was backpressured (LOW or HIGH), as {@link TaskMXBean#getEpisodes()}
 * reports it. Over JMX each is a {@code CompositeData} whose items are named by the getters
 * ({@link #START}, {@link #END}, …); {@link #from(CompositeData)} reads one back, so that
 * {@code JMX.newMXBeanProxy} works. Times are epoch milliseconds, at the resolution of the history's step.
 */
public final class Episode {

    /** Item names, the same in {@code status --json}'s episode objects. */
    public static final String START = "start";
    public static final String END = "end";
    public static final String ONGOING = "ongoing";
    public static final String DURATION_MILLIS = "durationMillis";
    public static final String PEAK_LEVEL = "peakLevel";
    public static final String MEAN_RATIO = "meanRatio";
    public static final String CAUSE = "cause";

    /** {@link #getEnd()} while the episode is ongoing (null in JSON). */
    public static final long ONGOING_END = -1L;

    /** The JMX notification types a Task MBean sends when one of its episodes starts and when it ends; user data: the episode's CompositeData. */
    public static final String NOTIFICATION_START = "chokepoint.episode.start";
    public static final String NOTIFICATION_END = "chokepoint.episode.end";

    private final long start;
    private final long end;
    private final long durationMillis;
    private final String peakLevel;
    private final double meanRatio;
    private final String cause;

    public Episode(long start, long end, long durationMillis, String peakLevel, double meanRatio, String cause) {
        this.start = start;
        this.end = end;
        this.durationMillis = durationMillis;
        this.peakLevel = peakLevel;
        this.meanRatio = meanRatio;
        this.cause = cause == null ? "" : cause;
    }

    /** Reads an episode back from its JMX form (the MXBean reconstruction rule). */
    public static Episode from(CompositeData data) {
        return new Episode((Long) data.get(START), (Long) data.get(END), (Long) data.get(DURATION_MILLIS),
                (String) data.get(PEAK_LEVEL), (Double) data.get(MEAN_RATIO), (String) data.get(CAUSE));
    }

    /** When the first backpressured step began. */
    public long getStart() {
        return start;
    }

    /** When the last backpressured step ended; {@link #ONGOING_END} while ongoing. */
    public long getEnd() {
        return end;
    }

    public boolean isOngoing() {
        return end == ONGOING_END;
    }

    /** From start to end, or to the end of the last backpressured step while ongoing. */
    public long getDurationMillis() {
        return durationMillis;
    }

    /** The highest {@link BackPressureLevel} name of its steps: {@code LOW} or {@code HIGH}. */
    public String getPeakLevel() {
        return peakLevel;
    }

    /** The mean back-pressure ratio of its steps, 0..1. */
    public double getMeanRatio() {
        return meanRatio;
    }

    /** The subtask's most frequent busy {@link Cause} over its steps; empty when it was never busy beyond {@code low}. */
    public String getCause() {
        return cause;
    }

    @Override
    public String toString() {
        return peakLevel + " from " + start + (isOngoing() ? " ongoing" : " to " + end) + " (" + durationMillis
                + " ms, mean " + meanRatio + (cause.isEmpty() ? "" : ", " + cause) + ")";
    }
}

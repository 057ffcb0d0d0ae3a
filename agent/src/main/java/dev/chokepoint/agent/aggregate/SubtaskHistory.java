package dev.chokepoint.agent.aggregate;

import dev.chokepoint.api.BackPressureLevel;
import dev.chokepoint.api.Cause;
import dev.chokepoint.api.Episode;
import dev.chokepoint.api.Persistence;

import java.util.List;

/**
 * One subtask's history: a point per step ({@link RatioHistory}) and the episodes derived from
 * the points ({@link Episodes}), in memory fixed by the settings. Written by the sampler thread
 * once per step; read by JMX threads. The lock is held for one point's update or one copy, never
 * by a task thread.
 */
public final class SubtaskHistory {

    /** What a {@link #record} did to the episodes. */
    public static final int NOTHING = Episodes.NOTHING;
    public static final int STARTED = Episodes.STARTED;
    public static final int ENDED = Episodes.ENDED;

    private final RatioHistory points;
    private final Episodes episodes = new Episodes();
    private final long stepMillis;
    private long endMillis = -1;

    public SubtaskHistory(int capacity, long stepMillis) {
        this.points = new RatioHistory(capacity);
        this.stepMillis = stepMillis;
    }

    public int capacity() {
        return points.capacity();
    }

    public long stepMillis() {
        return stepMillis;
    }

    /**
     * Sampler thread: the point of the step that ended at {@code endMillis}.
     *
     * @param cause the subtask's dominant busy cause in the step, null when not asked ({@link #wantsCause})
     * @return {@link #STARTED} or {@link #ENDED} when the point started or ended an episode, else {@link #NOTHING}
     */
    public synchronized int record(long endMillis, double ratio, BackPressureLevel level, Cause cause) {
        if (points.capacity() == 0) {
            return NOTHING;
        }
        points.add(ratio, level);
        this.endMillis = endMillis;
        return episodes.add(endMillis - stepMillis, endMillis, ratio, level, cause);
    }

    /** Whether a point of that level is part of an episode, so that its cause counts. */
    public synchronized boolean wantsCause(BackPressureLevel level) {
        return points.capacity() > 0 && (level != BackPressureLevel.OK || episodes.open());
    }

    /** The ratios, oldest first. */
    public synchronized double[] ratios() {
        return points.ratios();
    }

    /** Epoch milliseconds at which the newest point ended; -1 without points. */
    public synchronized long endMillis() {
        return endMillis;
    }

    /** The episodes that reach into the history, oldest first. */
    public synchronized Episode[] episodes() {
        long historyStart = endMillis - (long) points.size() * stepMillis;
        List<Episode> within = episodes.since(historyStart);
        return within.toArray(new Episode[0]);
    }

    /** The latest episode, for a notification; null before the first. */
    public synchronized Episode latestEpisode() {
        return episodes.latest();
    }

    public synchronized Persistence persistence(long persistentAfterMillis) {
        return Persistence.of(points.size(), points.backPressured(), episodes.openMillis(),
                persistentAfterMillis);
    }
}

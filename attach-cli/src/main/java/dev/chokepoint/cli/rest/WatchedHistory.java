package dev.chokepoint.cli.rest;

import dev.chokepoint.api.Episode;
import dev.chokepoint.api.Persistence;
import dev.chokepoint.api.Settings;
import dev.chokepoint.cli.jmx.AgentSettings;
import dev.chokepoint.cli.jmx.TaskHistory;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The history the CLI keeps itself, while it watches ({@code status --rest --watch}), of subtasks
 * whose metrics carry none (judged by Flink's own metrics: no agent on their TaskManager, or one
 * before the history): one point per reading, the ratio that reading judged, on a grid of
 * {@code stepMillis} from the first reading (two readings in one step: the higher; a step without
 * a reading: no point); the agent's episode rule ({@link PointEpisodes}) and verdict
 * ({@link Persistence#of}) over those points. It reaches back as far as the agent's default
 * history ({@link Settings#HISTORY_MILLIS_DEFAULT}) and no further than the watch: an episode
 * older than its points is forgotten. Fixed memory per subtask; subtasks gone from the job are
 * dropped at each reading.
 */
final class WatchedHistory {

    private final long stepMillis;
    private final int capacity;
    private final double low;
    private final double high;
    private final Map<String, Track> tracks = new HashMap<>();
    private long firstMillis = -1;

    WatchedHistory(long stepMillis, AgentSettings settings) {
        if (stepMillis <= 0) {
            throw new IllegalArgumentException("step " + stepMillis);
        }
        this.stepMillis = stepMillis;
        this.capacity = (int) Math.max(1, Math.min(Settings.HISTORY_POINTS_MAX,
                (Settings.HISTORY_MILLIS_DEFAULT + stepMillis - 1) / stepMillis));
        this.low = settings.low;
        this.high = settings.high;
    }

    /**
     * The history of subtask {@code key} with the ratio a reading at {@code atMillis} judged (NaN:
     * none, a gap), every subtask of one reading at the same {@code atMillis}.
     */
    TaskHistory add(String key, long atMillis, double ratio) {
        if (firstMillis < 0) {
            firstMillis = atMillis;
        }
        long index = Math.max(0, Math.round((atMillis - firstMillis) / (double) stepMillis));
        Track track = tracks.computeIfAbsent(key, k -> new Track(capacity, index));
        track.add(index, ratio);
        double[] ratios = track.ratios();
        long endMillis = firstMillis + index * stepMillis;
        List<Episode> episodes = PointEpisodes.of(ratios, stepMillis, endMillis, low, high);
        Episode last = episodes.isEmpty() ? null : episodes.get(episodes.size() - 1);
        long ongoingMillis = last != null && last.isOngoing() ? last.getDurationMillis() : -1;
        return new TaskHistory(TaskHistory.verdict(ratios, ongoingMillis, low, high,
                Settings.PERSISTENT_AFTER_MILLIS_DEFAULT), episodes, ratios, stepMillis, endMillis, true);
    }

    /** Forgets the subtasks not in {@code keys} (the latest reading's). */
    void retain(Set<String> keys) {
        tracks.keySet().retainAll(keys);
    }

    int subtasks() {
        return tracks.size();
    }

    /** One subtask's points: a ring of {@code capacity} steps, the newest at {@link #last}. */
    private static final class Track {
        private final double[] ring;
        private long first;
        private long last;

        Track(int capacity, long index) {
            ring = new double[capacity];
            Arrays.fill(ring, Double.NaN);
            first = index;
            last = index - 1;
        }

        void add(long index, double ratio) {
            if (index <= last) {
                int slot = slot(last);
                if (!Double.isNaN(ratio) && (Double.isNaN(ring[slot]) || ratio > ring[slot])) {
                    ring[slot] = ratio; // a second reading in the newest step: the higher
                }
                return;
            }
            for (long skipped = Math.max(last + 1, index - ring.length + 1); skipped < index; skipped++) {
                ring[slot(skipped)] = Double.NaN;
            }
            ring[slot(index)] = ratio;
            last = index;
            first = Math.max(first, index - ring.length + 1);
        }

        /** Oldest first. */
        double[] ratios() {
            double[] out = new double[(int) (last - first + 1)];
            for (int i = 0; i < out.length; i++) {
                out[i] = ring[slot(first + i)];
            }
            return out;
        }

        private int slot(long index) {
            return (int) (index % ring.length);
        }
    }
}

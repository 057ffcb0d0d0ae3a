package dev.chokepoint.cli.jmx;

import dev.chokepoint.api.BackPressureLevel;
import dev.chokepoint.api.Episode;
import dev.chokepoint.api.Persistence;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A subtask's (or a vertex's) backpressure over time as the agent keeps it, or as the CLI keeps it
 * while it watches subtasks without the agent's ({@link #watched}): one ratio per step, oldest
 * first, the newest ending at {@link #endMillis}; the episodes in it; the verdict on it.
 * {@link #UNKNOWN} where nobody kept one (an agent before history, Flink's own metrics read once).
 */
public final class TaskHistory {

    public static final TaskHistory UNKNOWN = new TaskHistory(null, List.of(), new double[0], 0, -1);

    /** Null when unknown. */
    public final Persistence persistence;
    /** Oldest first. */
    public final List<Episode> episodes;
    private final double[] ratios;
    public final long stepMillis;
    /** Epoch milliseconds at which the newest point ended; -1 without points. */
    public final long endMillis;
    /** Kept by the CLI from its own readings while it watches, not by the agent. */
    public final boolean watched;

    /** A history the agent kept. */
    public TaskHistory(Persistence persistence, List<Episode> episodes, double[] ratios, long stepMillis, long endMillis) {
        this(persistence, episodes, ratios, stepMillis, endMillis, false);
    }

    public TaskHistory(Persistence persistence, List<Episode> episodes, double[] ratios, long stepMillis, long endMillis,
                       boolean watched) {
        this.watched = watched;
        this.persistence = persistence;
        this.episodes = List.copyOf(episodes);
        this.ratios = ratios.clone();
        this.stepMillis = stepMillis;
        this.endMillis = endMillis;
    }

    public boolean known() {
        return persistence != null;
    }

    /** Oldest first, one per {@link #stepMillis}; NaN where the step had no reading. */
    public double[] ratios() {
        return ratios.clone();
    }

    /**
     * The part from {@code fromMillis} on ({@code --since}): the points that ended after it, the
     * episodes that ended after it or go on, and the verdict the agent's rule gives on those points
     * ({@link Persistence#of}), an ongoing episode counted from {@code fromMillis} at the earliest.
     */
    public TaskHistory since(long fromMillis, double low, double high, long persistentAfterMillis) {
        if (!known()) {
            return this;
        }
        int keep = 0;
        while (keep < ratios.length && endMillis - (long) keep * stepMillis > fromMillis) {
            keep++;
        }
        double[] kept = new double[keep];
        System.arraycopy(ratios, ratios.length - keep, kept, 0, keep);
        List<Episode> recent = new ArrayList<>();
        long ongoingMillis = -1;
        for (Episode episode : episodes) {
            if (episode.isOngoing() || episode.getEnd() > fromMillis) {
                recent.add(episode);
            }
            if (episode.isOngoing()) {
                long from = Math.max(episode.getStart(), fromMillis);
                ongoingMillis = Math.max(0, episode.getStart() + episode.getDurationMillis() - from);
            }
        }
        return new TaskHistory(verdict(kept, ongoingMillis, low, high, persistentAfterMillis), recent,
                kept, stepMillis, endMillis, watched);
    }

    /**
     * The agent's verdict ({@link Persistence#of}) on {@code ratios} (NaN: a step without a
     * reading), with an ongoing episode of {@code ongoingMillis} (-1: none).
     */
    public static Persistence verdict(double[] ratios, long ongoingMillis, double low, double high,
                                      long persistentAfterMillis) {
        int recorded = 0;
        int backPressured = 0;
        for (double ratio : ratios) {
            if (!Double.isNaN(ratio)) {
                recorded++;
                if (BackPressureLevel.of(ratio, low, high) != BackPressureLevel.OK) {
                    backPressured++;
                }
            }
        }
        return Persistence.of(recorded, backPressured, ongoingMillis, persistentAfterMillis);
    }

    /**
     * A vertex's history from its subtasks', as Flink judges a vertex by its worst subtask: per step
     * the highest ratio of any subtask (aligned by their newest points), the most lasting verdict,
     * and the subtasks' episodes merged where they overlap. Where some subtasks have the agent's
     * history and others only a {@link #watched} one (a vertex over TaskManagers with and without
     * the agent), the agent's alone: their steps differ, and the agent's covers more than the watch.
     */
    public static TaskHistory ofVertex(List<TaskHistory> subtasks) {
        boolean anyAgent = subtasks.stream().anyMatch(h -> h.known() && !h.watched);
        List<TaskHistory> known = new ArrayList<>();
        for (TaskHistory history : subtasks) {
            if (history.known() && history.watched != anyAgent) {
                known.add(history);
            }
        }
        if (known.isEmpty()) {
            return UNKNOWN;
        }
        if (known.size() == 1) {
            return known.get(0);
        }
        int length = 0;
        long end = -1;
        Persistence persistence = Persistence.NONE;
        List<Episode> all = new ArrayList<>();
        for (TaskHistory history : known) {
            length = Math.max(length, history.ratios.length);
            end = Math.max(end, history.endMillis);
            if (history.persistence.ordinal() < persistence.ordinal()) {
                persistence = history.persistence; // declared PERSISTENT, TEMPORARY, NONE
            }
            all.addAll(history.episodes);
        }
        double[] highest = new double[length];
        java.util.Arrays.fill(highest, Double.NaN);
        for (TaskHistory history : known) {
            for (int back = 0; back < history.ratios.length; back++) {
                double ratio = history.ratios[history.ratios.length - 1 - back];
                int at = length - 1 - back;
                if (!Double.isNaN(ratio) && (Double.isNaN(highest[at]) || ratio > highest[at])) {
                    highest[at] = ratio;
                }
            }
        }
        return new TaskHistory(persistence, merge(all), highest, known.get(0).stepMillis, end, !anyAgent);
    }

    /** Overlapping episodes of several subtasks as one: the highest peak, the mean weighted by length, the longest one's cause. */
    static List<Episode> merge(List<Episode> episodes) {
        List<Episode> sorted = new ArrayList<>(episodes);
        sorted.sort(Comparator.comparingLong(Episode::getStart));
        List<Episode> merged = new ArrayList<>();
        List<Episode> group = new ArrayList<>();
        long groupEnd = Long.MIN_VALUE;
        for (Episode episode : sorted) {
            if (!group.isEmpty() && episode.getStart() > groupEnd) {
                merged.add(one(group));
                group.clear();
            }
            group.add(episode);
            groupEnd = Math.max(groupEnd, episode.isOngoing() ? Long.MAX_VALUE : episode.getEnd());
        }
        if (!group.isEmpty()) {
            merged.add(one(group));
        }
        return merged;
    }

    private static Episode one(List<Episode> group) {
        if (group.size() == 1) {
            return group.get(0);
        }
        long start = Long.MAX_VALUE;
        long reach = Long.MIN_VALUE;
        boolean ongoing = false;
        String peak = BackPressureLevel.LOW.name();
        double weighted = 0;
        long weights = 0;
        Episode longest = group.get(0);
        for (Episode episode : group) {
            start = Math.min(start, episode.getStart());
            reach = Math.max(reach, episode.getStart() + episode.getDurationMillis());
            ongoing |= episode.isOngoing();
            if (BackPressureLevel.HIGH.name().equals(episode.getPeakLevel())) {
                peak = BackPressureLevel.HIGH.name();
            }
            long weight = Math.max(1, episode.getDurationMillis());
            weighted += episode.getMeanRatio() * weight;
            weights += weight;
            if (episode.getDurationMillis() > longest.getDurationMillis()) {
                longest = episode;
            }
        }
        return new Episode(start, ongoing ? Episode.ONGOING_END : reach, reach - start, peak, weighted / weights,
                longest.getCause());
    }
}

package dev.chokepoint.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A subtask's history as the one line of text its Flink metric {@link FlinkMetricNames#HISTORY}
 * reads, for readers that see the agent only through Flink's metrics (the JobManager's REST API):
 * {@code <stepMillis>/<endMillis>/<points>/<episodes>}. Points, oldest first, one character each:
 * the ratio in twentieths, {@code a} (0) to {@code u} (1), {@code .} for a step without a reading.
 * Episodes, the latest {@link #MAX_EPISODES}, oldest first, separated by {@code ;}, each
 * {@code start:end:durationMillis:peakLevel:meanRatio:cause} ({@code end} -1 while ongoing, the cause
 * possibly empty). About 700 characters a subtask at the default 600 points.
 */
public final class HistoryText {

    /** Episodes carried: enough for ten minutes of bursts, short enough for Flink's metric dumps. */
    public static final int MAX_EPISODES = 16;
    private static final char ZERO = 'a';
    private static final int STEPS = 20;
    private static final char NO_READING = '.';

    /** A history read back: the points as ratios (to the twentieth), the episodes whole. */
    public static final class Decoded {
        public final long stepMillis;
        public final long endMillis;
        public final double[] ratios;
        public final List<Episode> episodes;

        Decoded(long stepMillis, long endMillis, double[] ratios, List<Episode> episodes) {
            this.stepMillis = stepMillis;
            this.endMillis = endMillis;
            this.ratios = ratios;
            this.episodes = Collections.unmodifiableList(episodes);
        }
    }

    private HistoryText() {
    }

    public static String encode(long stepMillis, long endMillis, double[] ratios, Episode[] episodes) {
        StringBuilder text = new StringBuilder(64 + ratios.length + 48 * Math.min(episodes.length, MAX_EPISODES));
        text.append(stepMillis).append('/').append(endMillis).append('/');
        for (double ratio : ratios) {
            text.append(Double.isNaN(ratio) ? NO_READING
                    : (char) (ZERO + Math.round(Math.max(0, Math.min(1, ratio)) * STEPS)));
        }
        text.append('/');
        for (int i = Math.max(0, episodes.length - MAX_EPISODES); i < episodes.length; i++) {
            Episode e = episodes[i];
            if (text.charAt(text.length() - 1) != '/') {
                text.append(';');
            }
            text.append(e.getStart()).append(':').append(e.getEnd()).append(':').append(e.getDurationMillis())
                    .append(':').append(e.getPeakLevel()).append(':')
                    .append(String.format(Locale.ROOT, "%.3f", e.getMeanRatio())).append(':').append(e.getCause());
        }
        return text.toString();
    }

    /** Null when {@code text} is not such a line (empty after a detach, or from another version). */
    public static Decoded decode(String text) {
        if (text == null) {
            return null;
        }
        String[] parts = text.split("/", -1);
        if (parts.length != 4) {
            return null;
        }
        try {
            long step = Long.parseLong(parts[0]);
            long end = Long.parseLong(parts[1]);
            double[] ratios = new double[parts[2].length()];
            for (int i = 0; i < ratios.length; i++) {
                char c = parts[2].charAt(i);
                ratios[i] = c == NO_READING ? Double.NaN : (c - ZERO) / (double) STEPS;
            }
            List<Episode> episodes = new ArrayList<Episode>();
            if (!parts[3].isEmpty()) {
                for (String item : parts[3].split(";", -1)) {
                    String[] f = item.split(":", -1);
                    episodes.add(new Episode(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), f[3],
                            Double.parseDouble(f[4]), f[5]));
                }
            }
            return new Decoded(step, end, ratios, episodes);
        } catch (RuntimeException e) {
            return null;
        }
    }
}

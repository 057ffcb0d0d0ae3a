package dev.chokepoint.cli.rest;

import dev.chokepoint.api.BackPressureLevel;
import dev.chokepoint.api.Episode;
import dev.chokepoint.api.Settings;

import java.util.ArrayList;
import java.util.List;

/**
 * The agent's episode rule applied to a whole series of points at once: an episode starts at a
 * backpressured (LOW or HIGH) point and ends once {@link Settings#EPISODE_END_OK_POINTS} points in
 * a row are OK, at the end of its last backpressured point; fewer OK points in a row stay inside it
 * and count towards its mean. A point without a reading (NaN) neither extends nor ends an episode.
 * No cause: the metrics it is used on (Flink's own) have none.
 */
final class PointEpisodes {

    private PointEpisodes() {
    }

    /**
     * @param ratios oldest first, one per {@code stepMillis}, the newest ending at {@code endMillis}
     * @return oldest first; the last one ongoing ({@link Episode#ONGOING_END}) unless enough OK points ended it
     */
    static List<Episode> of(double[] ratios, long stepMillis, long endMillis, double low, double high) {
        List<Episode> episodes = new ArrayList<>();
        boolean open = false;
        long start = 0;
        long end = 0;
        double sum = 0;
        int points = 0;
        BackPressureLevel peak = BackPressureLevel.OK;
        int okRun = 0;
        double okSum = 0;
        for (int i = 0; i < ratios.length; i++) {
            double ratio = ratios[i];
            if (Double.isNaN(ratio)) {
                continue;
            }
            long pointEnd = endMillis - (long) (ratios.length - 1 - i) * stepMillis;
            BackPressureLevel level = BackPressureLevel.of(ratio, low, high);
            if (level == BackPressureLevel.OK) {
                if (open) {
                    okRun++;
                    okSum += ratio;
                    if (okRun >= Settings.EPISODE_END_OK_POINTS) {
                        episodes.add(new Episode(start, end, end - start, peak.name(), sum / points, ""));
                        open = false;
                    }
                }
                continue;
            }
            if (!open) {
                open = true;
                start = pointEnd - stepMillis;
                sum = 0;
                points = 0;
                peak = level;
            } else {
                sum += okSum;
                points += okRun;
            }
            okRun = 0;
            okSum = 0;
            sum += ratio;
            points++;
            end = pointEnd;
            if (level.ordinal() > peak.ordinal()) {
                peak = level;
            }
        }
        if (open) {
            episodes.add(new Episode(start, Episode.ONGOING_END, end - start, peak.name(), sum / points, ""));
        }
        return episodes;
    }
}

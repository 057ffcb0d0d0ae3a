package dev.chokepoint.agent.aggregate;

import dev.chokepoint.api.BackPressureLevel;
import dev.chokepoint.api.Cause;
import dev.chokepoint.api.Episode;

import java.util.ArrayList;
import java.util.List;

/**
 * A subtask's episodes, derived point by point from its history: an episode starts at a
 * backpressured (LOW or HIGH) point and ends once {@link #GAP} points in a row are OK, at the end of
 * its last backpressured point. Fewer OK points in a row stay inside it (a single OK step does not
 * split an episode) and count towards its mean ratio. Keeps the latest {@link #MAX} episodes in
 * primitive arrays, allocated at the first episode: fixed memory, nothing allocated per point.
 * Not thread-safe: {@link SubtaskHistory} guards it.
 */
final class Episodes {

    /** Episodes kept; older ones are forgotten first. */
    static final int MAX = 64;
    /** OK points in a row that end an episode. */
    static final int GAP = dev.chokepoint.api.Settings.EPISODE_END_OK_POINTS;

    static final int NOTHING = 0;
    static final int STARTED = 1;
    static final int ENDED = 2;

    private static final Cause[] CAUSES = Cause.values();
    private static final BackPressureLevel[] LEVELS = BackPressureLevel.values();

    private long[] starts;
    /** End of each episode's last backpressured point; {@link Episode#ONGOING_END} of an open one is told by {@link #open}. */
    private long[] ends;
    private double[] ratioSums;
    private int[] points;
    private byte[] peaks;
    /** Ordinal of the most frequent cause, -1 for none; of the open episode, see {@link #causeCounts}. */
    private byte[] causes;
    private int[] causeCounts;
    private int first;
    private int count;
    private boolean open;
    private int okRun;
    private double okSum;

    /**
     * One point of the history.
     *
     * @param startMillis, endMillis the span of the point's step
     * @param cause the subtask's dominant busy cause in the step; null or NONE when it has none
     * @return {@link #STARTED}, {@link #ENDED} or {@link #NOTHING}
     */
    int add(long startMillis, long endMillis, double ratio, BackPressureLevel level, Cause cause) {
        if (level == BackPressureLevel.OK) {
            if (!open) {
                return NOTHING;
            }
            okRun++;
            okSum += ratio;
            if (okRun < GAP) {
                return NOTHING;
            }
            int slot = latestSlot();
            causes[slot] = (byte) dominant();
            open = false;
            okRun = 0;
            okSum = 0;
            return ENDED;
        }
        int event = NOTHING;
        int slot;
        if (!open) {
            slot = startEpisode(startMillis);
            event = STARTED;
        } else {
            slot = latestSlot();
            points[slot] += okRun;
            ratioSums[slot] += okSum;
            okRun = 0;
            okSum = 0;
        }
        points[slot]++;
        ratioSums[slot] += ratio;
        ends[slot] = endMillis;
        if (level.ordinal() > peaks[slot]) {
            peaks[slot] = (byte) level.ordinal();
        }
        if (cause != null && cause != Cause.NONE) {
            causeCounts[cause.ordinal()]++;
        }
        return event;
    }

    private int startEpisode(long startMillis) {
        if (starts == null) {
            starts = new long[MAX];
            ends = new long[MAX];
            ratioSums = new double[MAX];
            points = new int[MAX];
            peaks = new byte[MAX];
            causes = new byte[MAX];
            causeCounts = new int[CAUSES.length];
        }
        if (count == MAX) {
            first = first + 1 == MAX ? 0 : first + 1;
            count--;
        }
        count++;
        int slot = latestSlot();
        starts[slot] = startMillis;
        ends[slot] = startMillis;
        ratioSums[slot] = 0;
        points[slot] = 0;
        peaks[slot] = 0;
        causes[slot] = -1;
        java.util.Arrays.fill(causeCounts, 0);
        open = true;
        return slot;
    }

    private int latestSlot() {
        int slot = first + count - 1;
        return slot < MAX ? slot : slot - MAX;
    }

    private int dominant() {
        int best = -1;
        for (int i = 0; i < causeCounts.length; i++) {
            if (causeCounts[i] > 0 && (best < 0 || causeCounts[i] > causeCounts[best])) {
                best = i;
            }
        }
        return best;
    }

    boolean open() {
        return open;
    }

    /** The open episode's length to the end of its last backpressured point; -1 with none open. */
    long openMillis() {
        if (!open) {
            return -1;
        }
        int slot = latestSlot();
        return ends[slot] - starts[slot];
    }

    /** The latest episode, null before the first. */
    Episode latest() {
        return count == 0 ? null : episode(latestSlot(), open);
    }

    /** The episodes that end after {@code sinceMillis} (or are open), oldest first. */
    List<Episode> since(long sinceMillis) {
        List<Episode> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int slot = first + i < MAX ? first + i : first + i - MAX;
            boolean isOpen = open && i == count - 1;
            if (isOpen || ends[slot] > sinceMillis) {
                out.add(episode(slot, isOpen));
            }
        }
        return out;
    }

    private Episode episode(int slot, boolean isOpen) {
        int cause = isOpen ? dominant() : causes[slot];
        return new Episode(starts[slot], isOpen ? Episode.ONGOING_END : ends[slot], ends[slot] - starts[slot],
                LEVELS[peaks[slot]].name(), points[slot] == 0 ? 0.0 : ratioSums[slot] / points[slot],
                cause < 0 ? "" : CAUSES[cause].name());
    }
}

package dev.chokepoint.cli.report;

import dev.chokepoint.api.Episode;

import java.util.ArrayList;
import java.util.List;

/**
 * A checkpoint of the job as the JobManager's REST API lists it ({@code /jobs/:jobid/checkpoints},
 * its {@code history}: the latest few, 10 by default): from its trigger to its last
 * acknowledgement, or to the reading while in progress. The seed names checkpointing as a cause
 * of temporary backpressure: an episode that overlaps one says so.
 */
public final class Checkpoint {
    public final long id;
    public final String status;
    public final long startMillis;
    /** The last acknowledgement; the reading's time while in progress. */
    public final long endMillis;

    public Checkpoint(long id, String status, long startMillis, long endMillis) {
        this.id = id;
        this.status = status;
        this.startMillis = startMillis;
        this.endMillis = endMillis;
    }

    /** The ids, oldest first, of the checkpoints that ran during the episode ({@code now}: the end of an ongoing one). */
    public static List<Long> during(Episode episode, List<Checkpoint> checkpoints, long now) {
        long end = episode.isOngoing() ? now : episode.getEnd();
        List<Long> ids = new ArrayList<>();
        for (Checkpoint checkpoint : checkpoints) {
            if (checkpoint.startMillis <= end && checkpoint.endMillis >= episode.getStart()) {
                ids.add(checkpoint.id);
            }
        }
        ids.sort(Long::compare);
        return ids;
    }
}

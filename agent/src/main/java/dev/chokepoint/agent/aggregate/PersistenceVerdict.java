package dev.chokepoint.agent.aggregate;

import dev.chokepoint.api.Persistence;
import dev.chokepoint.api.Settings;

/**
 * The verdict on a subtask's history, from the points recorded so far (right after a start, fewer
 * than the history holds once full): {@link Persistence#NONE} without a backpressured point;
 * {@link Persistence#PERSISTENT} when at least {@link Settings#PERSISTENT_SHARE} of the recorded
 * points are backpressured, or when an episode is ongoing and has lasted at least
 * {@code persistentAfter}; {@link Persistence#TEMPORARY} otherwise.
 */
final class PersistenceVerdict {

    private PersistenceVerdict() {
    }

    /**
     * @param recorded       points in the history
     * @param backPressured  of them, LOW or HIGH
     * @param ongoingMillis  length of the ongoing episode, -1 when none is ongoing
     */
    static Persistence of(int recorded, int backPressured, long ongoingMillis, long persistentAfterMillis) {
        if (backPressured == 0) {
            return Persistence.NONE;
        }
        if (backPressured >= Settings.PERSISTENT_SHARE * recorded
                || ongoingMillis >= 0 && ongoingMillis >= persistentAfterMillis) {
            return Persistence.PERSISTENT;
        }
        return Persistence.TEMPORARY;
    }
}

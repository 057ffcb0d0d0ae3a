package dev.chokepoint.api;

/**
 * How a subtask's back-pressure behaves over its history ({@link TaskMXBean#getPersistence()}),
 * judged from the points the history holds so far, which right after a start are fewer than
 * {@link Settings#HISTORY} allows.
 */
public enum Persistence {
    /**
     * Backpressured (LOW or HIGH) in at least {@link Settings#PERSISTENT_SHARE} of the recorded
     * points, or in an ongoing episode that has lasted at least {@link Settings#PERSISTENT_AFTER}.
     */
    PERSISTENT,
    /** Backpressured in some points of the history, episodes that come and go: neither of the above. */
    TEMPORARY,
    /** No backpressured point in the history (also: no history yet, or {@code history=0}). */
    NONE;

    /**
     * The rule, the same for the agent and a reader that limits the history ({@code --since}).
     *
     * @param recorded      points in the history
     * @param backPressured of them, LOW or HIGH
     * @param ongoingMillis length of the ongoing episode, -1 when none is ongoing
     */
    public static Persistence of(int recorded, int backPressured, long ongoingMillis, long persistentAfterMillis) {
        if (backPressured == 0) {
            return NONE;
        }
        if (backPressured >= Settings.PERSISTENT_SHARE * recorded
                || ongoingMillis >= 0 && ongoingMillis >= persistentAfterMillis) {
            return PERSISTENT;
        }
        return TEMPORARY;
    }
}

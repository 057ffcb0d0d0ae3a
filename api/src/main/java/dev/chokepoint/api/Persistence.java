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
    NONE
}

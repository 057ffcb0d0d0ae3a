package dev.chokepoint.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PersistenceTest {

    private static final long AFTER = 60_000;

    @Test
    void noBackpressuredPointIsNone() {
        assertEquals(Persistence.NONE, Persistence.of(0, 0, -1, AFTER));
        assertEquals(Persistence.NONE, Persistence.of(600, 0, -1, AFTER));
    }

    @Test
    void mostOfTheRecordedPointsBackpressuredIsPersistent() {
        assertEquals(Persistence.PERSISTENT, Persistence.of(600, 480, -1, AFTER));
        assertEquals(Persistence.TEMPORARY, Persistence.of(600, 479, -1, AFTER));
        // right after a start, of the few points recorded so far
        assertEquals(Persistence.PERSISTENT, Persistence.of(5, 4, 4000, AFTER));
        assertEquals(Persistence.TEMPORARY, Persistence.of(5, 3, 3000, AFTER));
    }

    @Test
    void aLongOngoingEpisodeIsPersistentWhateverTheRest() {
        assertEquals(Persistence.PERSISTENT, Persistence.of(600, 60, 60_000, AFTER));
        assertEquals(Persistence.TEMPORARY, Persistence.of(600, 59, 59_000, AFTER));
        assertEquals(Persistence.TEMPORARY, Persistence.of(600, 200, -1, AFTER));
    }
}

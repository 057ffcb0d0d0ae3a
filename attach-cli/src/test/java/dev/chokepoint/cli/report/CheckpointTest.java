package dev.chokepoint.cli.report;

import dev.chokepoint.api.Episode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CheckpointTest {

    private static final List<Checkpoint> CHECKPOINTS = List.of(
            new Checkpoint(7, "COMPLETED", 1_000, 2_000),
            new Checkpoint(8, "COMPLETED", 10_000, 19_000),
            new Checkpoint(9, "IN_PROGRESS", 30_000, 40_000));

    @Test
    void anEpisodeListsTheCheckpointsThatRanDuringIt() {
        assertEquals(List.of(8L), Checkpoint.during(new Episode(12_000, 18_000, 6_000, "HIGH", 0.9, ""), CHECKPOINTS, 0));
        assertEquals(List.of(7L, 8L), Checkpoint.during(new Episode(1_500, 10_000, 8_500, "HIGH", 0.9, ""), CHECKPOINTS, 0));
        assertEquals(List.of(), Checkpoint.during(new Episode(20_000, 29_000, 9_000, "LOW", 0.3, ""), CHECKPOINTS, 0));
    }

    @Test
    void anOngoingEpisodeReachesTheReading() {
        Episode ongoing = new Episode(25_000, Episode.ONGOING_END, 3_000, "HIGH", 0.9, "");
        assertEquals(List.of(), Checkpoint.during(ongoing, CHECKPOINTS, 29_000));
        assertEquals(List.of(9L), Checkpoint.during(ongoing, CHECKPOINTS, 31_000));
    }
}

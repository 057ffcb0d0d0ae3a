package dev.chokepoint.cli.rest;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The metrics requests of one vertex: every subtask's every metric once, each within Flink's request-line limit. */
class MetricQueryTest {

    private static final String JOB = "a33a66cd6a5eefa575230d8da56f4cef";
    private static final String VERTEX = "cbc357ccb763df2852fee8c4fc7d55f2";
    /** Netty's default maxInitialLineLength, which Flink's REST server keeps (1.9 to 2.x). */
    private static final int NETTY_MAX_INITIAL_LINE = 4096;

    @Test
    void aThousandSubtasksTakeFewRequestsEachWithinTheLimit() {
        assertPacked(SubtaskJudge.FIRST, "Flink's own and the agent's level code");
        assertPacked(SubtaskJudge.AGENT_REST, "the rest of the agent's");
    }

    private static void assertPacked(List<String> names, String what) {
        int parallelism = 1000;
        List<Integer> subtasks = IntStream.range(0, parallelism).boxed().collect(Collectors.toList());
        List<String> paths = MetricQuery.paths(JOB, VERTEX, subtasks, names);

        List<String> asked = new ArrayList<>();
        for (String path : paths) {
            assertTrue(("GET " + path + " HTTP/1.1").length() <= NETTY_MAX_INITIAL_LINE, path.length() + ": " + path);
            assertTrue(path.startsWith("/jobs/" + JOB + "/vertices/" + VERTEX + "/metrics?get="), path);
            asked.addAll(List.of(path.substring(path.indexOf("?get=") + 5).split(",")));
        }
        Set<String> expected = new HashSet<>();
        for (int subtask = 0; subtask < parallelism; subtask++) {
            for (String name : names) {
                expected.add(subtask + "." + name);
            }
        }
        assertEquals(expected.size(), asked.size(), "each metric of each subtask asked once");
        assertEquals(expected, new HashSet<>(asked));
        // Packed: only the last request may be far from full.
        int characters = asked.stream().mapToInt(id -> id.length() + 1).sum();
        int perRequest = MetricQuery.MAX_REQUEST_LINE - ("GET " + paths.get(0).substring(0, paths.get(0).indexOf("?get=") + 5)
                + " HTTP/1.1").length();
        assertTrue(paths.size() <= characters / (perRequest - 80) + 1, paths.size() + " requests for " + characters
                + " characters");
        System.out.printf("1000 subtasks x %d metrics (%s): %d requests%n", names.size(), what, paths.size());
    }

    @Test
    void aVertexOfEightSubtasksTakesOneRequestARound() {
        List<Integer> eight = IntStream.range(0, 8).boxed().collect(Collectors.toList());
        assertEquals(1, MetricQuery.paths(JOB, VERTEX, eight, SubtaskJudge.FIRST).size());
        assertEquals(1, MetricQuery.paths(JOB, VERTEX, eight, SubtaskJudge.AGENT_REST).size());
    }

    @Test
    void onlyTheGivenSubtasksAreAsked() {
        String path = MetricQuery.paths(JOB, VERTEX, List.of(3, 7), List.of("a", "b")).get(0);
        assertEquals("/jobs/" + JOB + "/vertices/" + VERTEX + "/metrics?get=3.a,3.b,7.a,7.b", path);
    }
}

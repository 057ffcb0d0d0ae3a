package dev.chokepoint.agent.discover;

import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class TaskThreadSelectorTest {

    private static final String GROUP = TaskThreadSelector.FLINK_TASK_THREAD_GROUP;
    private final TaskThreadSelector flink = new TaskThreadSelector(null);

    @Test
    void parsesFlink112PlusNames() {
        TaskThreadName name = flink.identify("MapOp (1/2)#0", GROUP);
        assertEquals("MapOp (1/2)#0", name.subtaskName());
        assertEquals("MapOp", name.vertex());
        assertEquals(0, name.subtask());
        assertEquals(2, name.parallelism());
        assertEquals(0, name.attempt());
    }

    @Test
    void parsesFlink19NamesWithoutAttempt() {
        TaskThreadName name = flink.identify("Sink: SlowSink (2/2)", GROUP);
        assertEquals("Sink: SlowSink", name.vertex());
        assertEquals(1, name.subtask());
        assertEquals(-1, name.attempt());
    }

    @Test
    void foldsTheLegacySourceThreadIntoItsSubtask() {
        TaskThreadName name = flink.identify("Legacy Source Thread - Source: Custom Source -> Map (3/4)#2", GROUP);
        assertEquals("Source: Custom Source -> Map (3/4)#2", name.subtaskName());
        assertEquals("Source: Custom Source -> Map", name.vertex());
        assertEquals(2, name.subtask());
        assertEquals(4, name.parallelism());
        assertEquals(2, name.attempt());
    }

    @Test
    void vertexNamesMayContainParentheses() {
        TaskThreadName name = flink.identify("Window(TumblingWindow (5s)) (1/1)#0", GROUP);
        assertEquals("Window(TumblingWindow (5s))", name.vertex());
        assertEquals(1, name.parallelism());
    }

    @Test
    void skipsHelperThreadsOtherGroupsAndOtherNames() {
        assertNull(flink.identify("OutputFlusher for MapOp (1/2)#0", GROUP));
        assertNull(flink.identify("Time Trigger for MapOp (1/2)#0", GROUP));
        assertNull(flink.identify("System Time Trigger for MapOp (1/2)#0", GROUP));
        assertNull(flink.identify("Canceler for MapOp (1/2)#0 (abc).", GROUP));
        assertNull(flink.identify("Cancellation Watchdog for MapOp (1/2)#0", GROUP));
        assertNull(flink.identify("MapOp (1/2)#0", "main"));
        assertNull(flink.identify("Thread-7", GROUP));
        assertNull(flink.identify("MapOp (3/2)#0", GROUP));
        assertNull(flink.identify("MapOp (0/2)#0", GROUP));
        assertNull(flink.identify("MapOp (99999999999/2)", GROUP));
    }

    @Test
    void userRegexSelectsAnyGroupAndStillParsesFlinkNames() {
        TaskThreadSelector selector = new TaskThreadSelector(Pattern.compile("^(Worker|MapOp)"));
        TaskThreadName worker = selector.identify("Worker-3", "main");
        assertEquals("Worker-3", worker.subtaskName());
        assertEquals("Worker-3", worker.vertex());
        assertEquals(1, worker.parallelism());
        assertEquals("MapOp", selector.identify("MapOp (2/2)#0", "main").vertex());
        assertNull(selector.identify("Other (1/1)#0", GROUP));
        assertNull(selector.identify("OutputFlusher for MapOp (1/2)#0", GROUP));
    }

    @Test
    void answersStayTheSameAcrossCacheGenerations() {
        for (int tick = 0; tick < 300; tick++) {
            assertNotNull(flink.identify("MapOp (1/2)#0", GROUP));
            assertNull(flink.identify("pool-1-thread-" + tick, GROUP));
            assertNull(flink.identify("MapOp (1/2)#0", "other"));
            flink.endTick();
        }
    }
}

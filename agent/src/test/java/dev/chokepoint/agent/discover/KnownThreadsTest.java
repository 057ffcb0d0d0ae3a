package dev.chokepoint.agent.discover;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class KnownThreadsTest {

    private static final TaskThreadName MAP = TaskThreadName.parseFlink("Map (1/2)#0");
    private static final TaskThreadName SINK = TaskThreadName.parseFlink("Sink (1/2)#0");

    /** One tick as the sampler runs it: find each thread, keep what it made of it. */
    private static int[] tick(KnownThreads known, long[] ids, String[] names, TaskThreadName[] subtasks) {
        int[] entries = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            int entry = known.find(ids[i], names[i]);
            entries[i] = entry;
            TaskThreadName subtask = entry >= 0 ? known.subtask(entry) : subtasks[i];
            known.keep(ids[i], names[i], subtask, subtask);
        }
        known.endTick();
        return entries;
    }

    @Test
    void theSameThreadsInTheSameOrderAreFoundTickAfterTick() {
        KnownThreads known = new KnownThreads();
        long[] ids = {11, 12, 13};
        String[] names = {"Map (1/2)#0", "main", "Sink (1/2)#0"};
        TaskThreadName[] subtasks = {MAP, null, SINK};
        int[] first = tick(known, ids, names, subtasks);
        assertEquals(-1, first[0], "nothing is known at the first tick");
        for (int t = 0; t < 3; t++) {
            int[] entries = tick(known, ids, names, new TaskThreadName[3]);
            assertEquals(0, entries[0]);
            assertEquals(1, entries[1]);
            assertEquals(2, entries[2]);
        }
        assertSame(MAP, known.subtask(known.find(11, "Map (1/2)#0")));
        assertNull(known.subtask(known.find(12, "main")));
        assertSame(SINK, known.subtask(known.find(13, "Sink (1/2)#0")));
    }

    @Test
    void aNewThreadAnEndedOneAndARenamedOneAreSeen() {
        KnownThreads known = new KnownThreads();
        tick(known, new long[] {11, 12, 13}, new String[] {"Map (1/2)#0", "main", "Sink (1/2)#0"},
                new TaskThreadName[] {MAP, null, SINK});

        // 12 ended, 14 started at the end
        int[] entries = tick(known, new long[] {11, 13, 14}, new String[] {"Map (1/2)#0", "Sink (1/2)#0", "new"},
                new TaskThreadName[] {null, null, null});
        assertEquals(0, entries[0]);
        assertEquals(2, entries[1], "found past the ended thread");
        assertEquals(-1, entries[2], "a new thread is identified anew");
        int[] after = tick(known, new long[] {11, 13, 14}, new String[] {"Map (1/2)#0", "Sink (1/2)#0", "new"},
                new TaskThreadName[3]);
        assertEquals(0, after[0]);
        assertEquals(1, after[1]);
        assertEquals(2, after[2]);
        assertSame(SINK, known.subtask(known.find(13, "Sink (1/2)#0")));

        // the last thread ended: the table must lose it, although every thread before it was in place
        tick(known, new long[] {11, 13}, new String[] {"Map (1/2)#0", "Sink (1/2)#0"}, new TaskThreadName[2]);
        int[] shorter = tick(known, new long[] {11, 13, 14}, new String[] {"Map (1/2)#0", "Sink (1/2)#0", "new"},
                new TaskThreadName[3]);
        assertEquals(-1, shorter[2], "a thread missing from a tick is forgotten");

        int[] renamed = tick(known, new long[] {11, 13, 14}, new String[] {"renamed", "Sink (1/2)#0", "new"},
                new TaskThreadName[3]);
        assertEquals(-1, renamed[0], "a renamed thread is identified anew");
        assertEquals(1, renamed[1]);
    }

    @Test
    void aThreadLeftOutAfterItsLookupIsForgottenAndTheOthersStay() {
        KnownThreads known = new KnownThreads();
        tick(known, new long[] {11, 12, 13}, new String[] {"a", "b", "c"}, new TaskThreadName[] {MAP, null, SINK});
        assertEquals(0, known.find(11, "a"));
        known.keep(11, "a", MAP, MAP);
        assertEquals(1, known.find(12, "b")); // found, but the tick failed on it: no keep
        assertEquals(-1, known.find(13, "x"), "13 is known by another name");
        known.keep(13, "x", SINK, SINK);
        known.endTick();
        assertEquals(0, known.find(11, "a"));
        known.keep(11, "a", MAP, MAP);
        assertEquals(1, known.find(13, "x"), "the failed thread is not in the new table");
        assertSame(SINK, known.subtask(1));
    }

    @Test
    void clearForgetsEverything() {
        KnownThreads known = new KnownThreads();
        long[] ids = new long[300];
        String[] names = new String[300];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
            names[i] = "t" + i;
        }
        tick(known, ids, names, new TaskThreadName[300]);
        assertEquals(299, tick(known, ids, names, new TaskThreadName[300])[299], "grown past its first size");
        known.clear();
        assertEquals(-1, known.find(0, "t0"));
    }
}

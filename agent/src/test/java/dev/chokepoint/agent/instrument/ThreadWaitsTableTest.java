package dev.chokepoint.agent.instrument;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class ThreadWaitsTableTest {

    @Test
    void findsWhatWasPutInAnyOrderAndForgetsEndedThreads() throws Exception {
        ThreadWaitsTable table = new ThreadWaitsTable();
        Thread ended = new Thread(() -> { });
        ended.start();
        ended.join();
        ThreadWaits live = new ThreadWaits(Thread.currentThread());
        ThreadWaits gone = new ThreadWaits(ended);
        table.put(900L, live);
        table.put(5L, gone);
        table.put(300L, live);
        assertSame(live, table.get(900L));
        assertSame(gone, table.get(5L));
        assertSame(live, table.get(300L));
        assertNull(table.get(6L));
        assertEquals(3, table.size());
        table.removeEnded();
        assertNull(table.get(5L));
        assertSame(live, table.get(900L));
        assertEquals(2, table.size());
        table.put(900L, gone);
        assertSame(gone, table.get(900L), "a second put replaces");
    }
}

package dev.chokepoint.agent.discover;

import dev.chokepoint.agent.instrument.ThreadWaits;
import dev.chokepoint.agent.instrument.WaitRecorder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class KnownThreadsTest {

    private static final TaskThreadName MAP = TaskThreadName.parseFlink("Map (1/2)#0");

    @Test
    void whatATickMadeOfAThreadIsFoundAtTheNextByIdAndNameInOrder() throws Exception {
        ThreadWaits waits = waitsOfAThread();
        KnownThreads known = new KnownThreads();
        known.keep(11, "Map (1/2)#0", MAP, MAP, waits);
        known.keep(12, "main", null, null, null);
        known.endTick();

        int map = known.find(11, "Map (1/2)#0");
        assertEquals(0, map);
        assertSame(MAP, known.byName(map));
        assertSame(MAP, known.subtask(map));
        assertSame(waits, known.waits(map), "the wait record carried over");
        int main = known.find(12, "main");
        assertEquals(1, main);
        assertNull(known.byName(main));
        assertNull(known.waits(main));
        assertEquals(-1, known.find(13, "new thread"));
        known.keep(11, "Map (1/2)#0", MAP, MAP, waits);
        known.endTick();

        assertEquals(-1, known.find(11, "renamed"), "a renamed thread is identified anew");
        known.endTick();
        assertEquals(-1, known.find(11, "Map (1/2)#0"), "a tick that did not keep it forgot it");
    }

    @Test
    void theRecordersVersionChangesWithEveryNewThreadAndOnlyThen() throws Exception {
        WaitRecorder recorder = new WaitRecorder();
        Object empty = recorder.version();
        assertSame(empty, recorder.version());
        Thread thread = new Thread(() -> recorder.requestEnded(recorder.requestStarted()));
        thread.start();
        thread.join();
        Object one = recorder.version();
        assertNotSame(empty, one, "a thread's first request adds its record");
        assertNotNull(recorder.forThread(thread.getId()));
        Thread again = new Thread(() -> recorder.requestEnded(recorder.requestStarted()));
        again.start();
        again.join();
        assertNotSame(one, recorder.version());
        Object two = recorder.version();
        recorder.forgetEndedThreads();
        assertNotSame(two, recorder.version(), "both threads have ended: forgotten");
        Object none = recorder.version();
        recorder.forgetEndedThreads();
        assertSame(none, recorder.version(), "nothing to forget: no change");
    }

    private static ThreadWaits waitsOfAThread() throws InterruptedException {
        WaitRecorder recorder = new WaitRecorder();
        Thread thread = new Thread(() -> recorder.requestEnded(recorder.requestStarted()));
        thread.start();
        thread.join();
        return recorder.forThread(thread.getId());
    }
}

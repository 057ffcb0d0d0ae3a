package dev.chokepoint.agent.aggregate;

import dev.chokepoint.agent.classify.SampleKind;
import dev.chokepoint.agent.classify.ThreadState;
import dev.chokepoint.agent.discover.TaskThreadName;
import dev.chokepoint.agent.instrument.ThreadWaits;
import dev.chokepoint.agent.instrument.WaitRecorder;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubtaskRegistryTest {

    private final List<String> events = new ArrayList<>();
    private final List<SubtaskState> states = new ArrayList<>();
    private final SubtaskRegistry registry = new SubtaskRegistry(10, new SubtaskRegistry.Listener() {
        @Override
        public void added(SubtaskState subtask) {
            events.add("+" + subtask.name());
            states.add(subtask);
        }

        @Override
        public void removed(SubtaskState subtask) {
            events.add("-" + subtask.name());
        }
    });

    private static final TaskThreadName SOURCE_TASK = TaskThreadName.parseFlink("Source: S (1/1)#0");
    private static final TaskThreadName SOURCE_LEGACY = TaskThreadName.parseFlink("Legacy Source Thread - Source: S (1/1)#0");
    private static final TaskThreadName MAP = TaskThreadName.parseFlink("Map (1/1)#0");

    @Test
    void aSubtaskIsHardWhenAnyOfItsThreadsIsInABufferRequest() {
        for (long tick = 1; tick <= 4; tick++) {
            observe(SOURCE_TASK, tick, ThreadState.WAITING_FOR_WORK);
            observe(SOURCE_LEGACY, tick, tick % 2 == 0 ? ThreadState.IN_BUFFER_REQUEST : ThreadState.RUNNING);
            registry.endTick(tick, 50_000_000L);
        }
        assertEquals(1, registry.size());
        long snapshot = states.get(0).snapshot();
        assertEquals(4, SampleWindow.samples(snapshot));
        assertEquals(2, SampleWindow.count(snapshot, SampleKind.HARD));
        // the legacy source thread is what the subtask executes: when it runs, the subtask is busy,
        // though its task thread idles in the mailbox
        assertEquals(2, SampleWindow.count(snapshot, SampleKind.BUSY));
    }

    @Test
    void withoutALegacySourceThreadTheTaskThreadDecides() {
        observe(MAP, 1, ThreadState.WAITING_FOR_WORK);
        registry.endTick(1, 1);
        observe(MAP, 2, ThreadState.RUNNING);
        registry.endTick(2, 1);
        long snapshot = states.get(0).snapshot();
        // no Flink task bound: outputs are taken as available, so waiting is idle
        assertEquals(1, SampleWindow.count(snapshot, SampleKind.IDLE));
        assertEquals(1, SampleWindow.count(snapshot, SampleKind.BUSY));
    }

    @Test
    void aSubtaskNotSeenInATickIsDroppedAtOnce() {
        observe(SOURCE_TASK, 1, ThreadState.RUNNING);
        observe(MAP, 1, ThreadState.IN_BUFFER_REQUEST);
        registry.endTick(1, 1);
        observe(SOURCE_TASK, 2, ThreadState.RUNNING);
        registry.endTick(2, 1);
        assertEquals(1, registry.size());
        assertEquals(Arrays.asList("+Source: S (1/1)#0", "+Map (1/1)#0", "-Map (1/1)#0"), events);
        observe(SOURCE_TASK, 3, ThreadState.RUNNING);
        observe(MAP, 3, ThreadState.IN_BUFFER_REQUEST);
        registry.endTick(3, 1);
        assertEquals("+Map (1/1)#0", events.get(events.size() - 1));
        assertEquals(1, SampleWindow.samples(states.get(2).snapshot()), "a returning subtask starts a new window");
    }

    @Test
    void resizingStartsEveryWindowOver() {
        observe(MAP, 1, ThreadState.IN_BUFFER_REQUEST);
        registry.endTick(1, 1);
        registry.resize(3);
        assertEquals(0, SampleWindow.samples(states.get(0).snapshot()));
        for (long tick = 2; tick < 10; tick++) {
            observe(MAP, tick, ThreadState.IN_BUFFER_REQUEST);
            registry.endTick(tick, 1);
        }
        assertEquals(3, SampleWindow.samples(states.get(0).snapshot()));
    }

    @Test
    void clearTellsTheListenerAboutEverySubtask() {
        observe(MAP, 1, ThreadState.RUNNING);
        observe(SOURCE_TASK, 1, ThreadState.RUNNING);
        registry.endTick(1, 1);
        registry.clear();
        assertEquals(0, registry.size());
        assertEquals(4, events.size());
    }

    @Test
    void waitPercentilesDescribeTheLastFullWindowOfEveryThreadOfTheSubtask() throws Exception {
        WaitRecorder recorder = new WaitRecorder();
        ThreadWaits task = waitsOf(recorder, 2, 1);   // two waits of ~1 ms on the task thread
        ThreadWaits legacy = waitsOf(recorder, 1, 3); // one of ~3 ms on the legacy source thread
        long tick = 1;
        for (; tick < 10; tick++) {
            registry.observe(SOURCE_TASK, tick, false, ThreadState.RUNNING, task, System.nanoTime());
            registry.observe(SOURCE_LEGACY, tick, true, ThreadState.RUNNING, legacy, System.nanoTime());
            registry.endTick(tick, 1);
        }
        assertNull(states.get(0).waits(), "nothing published before the first full window");
        registry.observe(SOURCE_TASK, tick, false, ThreadState.RUNNING, task, System.nanoTime());
        registry.observe(SOURCE_LEGACY, tick, true, ThreadState.RUNNING, legacy, System.nanoTime());
        registry.endTick(tick++, 1);
        Histogram first = states.get(0).waits();
        assertNotNull(first);
        assertEquals(3, first.getTotalCount(), "the waits of both threads");
        assertTrue(first.getMaxValue() >= 3_000, "the longest is the legacy thread's: " + first.getMaxValue());

        for (int i = 0; i < 10; i++, tick++) {
            registry.observe(SOURCE_TASK, tick, false, ThreadState.RUNNING, task, System.nanoTime());
            registry.endTick(tick, 1);
        }
        assertNull(states.get(0).waits(), "a window without waits has none, the earlier ones are gone");
        assertEquals(3, first.getTotalCount(), "a published window is never written again");

        ThreadWaits later = waitsOf(recorder, 1, 1);
        for (int i = 0; i < 10; i++, tick++) {
            registry.observe(SOURCE_TASK, tick, false, ThreadState.RUNNING, later, System.nanoTime());
            registry.endTick(tick, 1);
        }
        Histogram third = states.get(0).waits();
        assertNotSame(first, third);
        assertEquals(1, third.getTotalCount(), "only the waits of the last window");
    }

    @Test
    void blockedTimeIsPerSecondOfTheWindowsTicksQuietOnesIncludedAndLeavesWithIt() throws Exception {
        long tickNanos = TimeUnit.MILLISECONDS.toNanos(50);
        long tick = 1;
        for (; tick <= 5; tick++) {
            registry.observe(SOURCE_TASK, tick, false, ThreadState.RUNNING, null, System.nanoTime());
            registry.endTick(tick, tickNanos);
        }
        SubtaskState state = states.get(0);
        assertEquals(0.0, state.blockedMsPerSecond());
        ThreadWaits waits = waitsOf(new WaitRecorder(), 1, 5);
        double blockedMs = waits.blockedNanos(System.nanoTime()) / 1e6; // the wait is over: all of it, exactly
        for (; tick <= 15; tick++) {
            registry.observe(SOURCE_TASK, tick, false, ThreadState.RUNNING, waits, System.nanoTime());
            registry.endTick(tick, tickNanos);
            if (tick == 6) {
                // the first tick that was blocked, over the six ticks so far (the quiet ones were not recorded)
                assertEquals(blockedMs * 1000 / 300, state.blockedMsPerSecond(), 1e-6);
            }
        }
        assertEquals(blockedMs * 1000 / 500, state.blockedMsPerSecond(), 1e-6, "the full window of 10 ticks");
        registry.observe(SOURCE_TASK, tick, false, ThreadState.RUNNING, waits, System.nanoTime());
        registry.endTick(tick++, tickNanos);
        assertEquals(0.0, state.blockedMsPerSecond(), "ten ticks after the blocked one, it has left the window");
    }

    /** A real thread making {@code count} timed waits of {@code millis} through the recorder, as the rewritten wait does. */
    private static ThreadWaits waitsOf(WaitRecorder recorder, int count, long millis) throws InterruptedException {
        Thread thread = new Thread(() -> {
            for (int i = 0; i < count; i++) {
                long started = recorder.requestStarted();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
                recorder.requestEnded(started);
            }
        });
        thread.start();
        thread.join();
        return recorder.forThread(thread.getId());
    }

    private void observe(TaskThreadName name, long tick, ThreadState state) {
        registry.observe(name, tick, name.legacySourceThread(), state, null, 0L);
    }
}

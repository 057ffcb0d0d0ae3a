package dev.chokepoint.agent.aggregate;

import dev.chokepoint.agent.classify.SampleKind;
import dev.chokepoint.agent.classify.ThreadState;
import dev.chokepoint.agent.discover.TaskThreadName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
            observe(SOURCE_LEGACY, tick, tick % 2 == 0 ? ThreadState.IN_BUFFER_REQUEST : ThreadState.BUSY);
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
        observe(MAP, 2, ThreadState.BUSY);
        registry.endTick(2, 1);
        long snapshot = states.get(0).snapshot();
        // no Flink task bound: outputs are taken as available, so waiting is idle
        assertEquals(1, SampleWindow.count(snapshot, SampleKind.IDLE));
        assertEquals(1, SampleWindow.count(snapshot, SampleKind.BUSY));
    }

    @Test
    void aSubtaskNotSeenInATickIsDroppedAtOnce() {
        observe(SOURCE_TASK, 1, ThreadState.BUSY);
        observe(MAP, 1, ThreadState.IN_BUFFER_REQUEST);
        registry.endTick(1, 1);
        observe(SOURCE_TASK, 2, ThreadState.BUSY);
        registry.endTick(2, 1);
        assertEquals(1, registry.size());
        assertEquals(Arrays.asList("+Source: S (1/1)#0", "+Map (1/1)#0", "-Map (1/1)#0"), events);
        observe(SOURCE_TASK, 3, ThreadState.BUSY);
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
        observe(MAP, 1, ThreadState.BUSY);
        observe(SOURCE_TASK, 1, ThreadState.BUSY);
        registry.endTick(1, 1);
        registry.clear();
        assertEquals(0, registry.size());
        assertEquals(4, events.size());
    }

    private void observe(TaskThreadName name, long tick, ThreadState state) {
        registry.observe(name, tick, name.legacySourceThread(), state, null, 0L);
    }
}

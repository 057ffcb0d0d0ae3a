package dev.chokepoint.agent.aggregate;

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
    void aSubtaskIsBlockedWhenAnyOfItsThreadsIs() {
        for (long tick = 1; tick <= 4; tick++) {
            registry.observe(SOURCE_TASK, tick, false);
            registry.observe(SOURCE_LEGACY, tick, tick % 2 == 0);
            registry.endTick(tick);
        }
        assertEquals(1, registry.size());
        long snapshot = states.get(0).snapshot();
        assertEquals(4, SampleWindow.samples(snapshot));
        assertEquals(2, SampleWindow.blocked(snapshot));
    }

    @Test
    void aSubtaskNotSeenInATickIsDroppedAtOnce() {
        registry.observe(SOURCE_TASK, 1, false);
        registry.observe(MAP, 1, true);
        registry.endTick(1);
        registry.observe(SOURCE_TASK, 2, false);
        registry.endTick(2);
        assertEquals(1, registry.size());
        assertEquals(Arrays.asList("+Source: S (1/1)#0", "+Map (1/1)#0", "-Map (1/1)#0"), events);
        registry.observe(SOURCE_TASK, 3, false);
        registry.observe(MAP, 3, true);
        registry.endTick(3);
        assertEquals("+Map (1/1)#0", events.get(events.size() - 1));
        assertEquals(1, SampleWindow.samples(states.get(2).snapshot()), "a returning subtask starts a new window");
    }

    @Test
    void resizingStartsEveryWindowOver() {
        registry.observe(MAP, 1, true);
        registry.endTick(1);
        registry.resize(3);
        assertEquals(0, SampleWindow.samples(states.get(0).snapshot()));
        for (long tick = 2; tick < 10; tick++) {
            registry.observe(MAP, tick, true);
            registry.endTick(tick);
        }
        assertEquals(3, SampleWindow.samples(states.get(0).snapshot()));
    }

    @Test
    void clearTellsTheListenerAboutEverySubtask() {
        registry.observe(MAP, 1, true);
        registry.observe(SOURCE_TASK, 1, true);
        registry.endTick(1);
        registry.clear();
        assertEquals(0, registry.size());
        assertEquals(4, events.size());
    }
}

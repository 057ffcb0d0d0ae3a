package dev.chokepoint.bench;

import dev.chokepoint.agent.classify.BufferRequestFrames;
import dev.chokepoint.agent.config.FrameSignature;
import dev.chokepoint.agent.discover.TaskThreadName;
import dev.chokepoint.agent.discover.TaskThreadSelector;
import dev.chokepoint.bench.FakeTaskThreads.FakeTaskThread;
import dev.chokepoint.bench.FakeTaskThreads.Role;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The harness's fake task threads are what the benchmark says they are, as the agent's own selector
 * and frame matcher see them (classes taken from the agent module, not copies).
 */
class FakeTaskThreadsTest {

    private static final int AGENT_DEFAULT_DEPTH = 32;
    private static final BufferRequestFrames FRAMES = new BufferRequestFrames(
            List.of(new FrameSignature(FakeBufferPool.class.getName(), "requestBuffer")));

    @Test
    void threadsAreInTheirRolesStatesAndStacks() throws Exception {
        int n = 16;
        int depth = 20;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        FakeTaskThreads fake = FakeTaskThreads.start(n, 2, 16, depth);
        try {
            fake.awaitSettled(30, TimeUnit.SECONDS);

            assertEquals(n, fake.threads().size());
            assertEquals(8, fake.count(Role.BLOCKED_ON_BUFFER));
            assertEquals(6, fake.count(Role.IDLE_IN_MAILBOX));
            assertEquals(2, fake.count(Role.RUNNING));
            assertEquals("Flink Task Threads", fake.group().getName());

            long[] ids = fake.threads().stream().mapToLong(Thread::getId).toArray();
            // What the agent's sampler asks for: a batched, depth-bounded walk, no locks.
            ThreadInfo[] bounded = mx.getThreadInfo(ids, AGENT_DEFAULT_DEPTH);
            for (int i = 0; i < n; i++) {
                FakeTaskThread t = fake.threads().get(i);
                assertEquals(t.getThreadGroup(), fake.group(), t.getName());
                assertTrue(t.isDaemon(), t.getName());
                Thread.State expectedState = t.role() == Role.RUNNING ? Thread.State.RUNNABLE : Thread.State.WAITING;
                assertEquals(expectedState, t.getState(), t.getName());

                StackTraceElement[] full = t.getStackTrace();
                assertTrue(count(full, "operatorChain") >= depth, t.getName() + ": operator chain frames");
                boolean inRequest = contains(full, FakeBufferPool.class.getName(), "requestBuffer");
                boolean inMailbox = contains(full, FakeMailbox.class.getName(), "take");
                assertEquals(t.role() == Role.BLOCKED_ON_BUFFER, inRequest, t.getName());
                assertEquals(t.role() == Role.IDLE_IN_MAILBOX, inMailbox, t.getName());

                // The agent classifies the blocked ones as blocked from the bounded stack, and only them.
                ThreadInfo info = bounded[i];
                assertNotNull(info, t.getName());
                boolean agentBlocked = info.getThreadState() != Thread.State.RUNNABLE
                        && FRAMES.isBlocked(info.getStackTrace());
                assertEquals(t.role() == Role.BLOCKED_ON_BUFFER, agentBlocked, t.getName());
            }

            // The agent's default selector takes every one of them as a task thread of its own subtask.
            TaskThreadSelector selector = new TaskThreadSelector(null);
            Set<String> subtasks = new HashSet<>();
            for (FakeTaskThread t : fake.threads()) {
                TaskThreadName name = selector.identify(t.getName(), t.getThreadGroup().getName());
                assertNotNull(name, t.getName());
                assertTrue(subtasks.add(name.subtaskName()), "unique subtask " + name);
                assertEquals("Op0", name.vertex());
                assertEquals(t.index(), name.subtask());
                assertEquals(16, name.parallelism());
                assertEquals(0, name.attempt());
            }
            // ...and none of them outside that group.
            assertNull(selector.identify(fake.threads().get(0).getName(), "main"));
        } finally {
            fake.close();
        }
        for (FakeTaskThread t : fake.threads()) {
            assertFalse(t.isAlive(), t.getName());
            assertEquals(Thread.State.TERMINATED, t.getState(), t.getName());
        }
    }

    @Test
    void rolesSplitHalfBlockedAndTakeTheRunnersFromTheOtherHalf() {
        for (int count : new int[] {1, 2, 3, 16, 17, 256, 1000}) {
            for (int running : new int[] {0, 1, 2}) {
                if (running > count / 2) {
                    continue;
                }
                Map<Role, Integer> roles = new EnumMap<>(Role.class);
                for (int i = 0; i < count; i++) {
                    Role role = FakeTaskThreads.roleOf(i, count, running);
                    roles.merge(role, 1, Integer::sum);
                    assertEquals(i % 2 == 0, role == Role.BLOCKED_ON_BUFFER, count + "/" + i);
                }
                String what = count + " threads, " + running + " running";
                assertEquals((count + 1) / 2, roles.getOrDefault(Role.BLOCKED_ON_BUFFER, 0), what);
                assertEquals(running, roles.getOrDefault(Role.RUNNING, 0), what);
                assertEquals(count / 2 - running, roles.getOrDefault(Role.IDLE_IN_MAILBOX, 0), what);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> FakeTaskThreads.start(16, 9, 16, 1));
        assertThrows(IllegalArgumentException.class, () -> FakeTaskThreads.start(0, 0, 16, 1));
    }

    @Test
    void namesAreFlinkNamesOfDistinctSubtasks() {
        TaskThreadSelector selector = new TaskThreadSelector(null);
        Set<String> names = new HashSet<>();
        Set<String> vertices = new HashSet<>();
        for (int i = 0; i < 256; i++) {
            String name = FakeTaskThreads.threadName(i, 16);
            assertTrue(names.add(name), name);
            TaskThreadName parsed = selector.identify(name, FakeTaskThreads.GROUP_NAME);
            assertNotNull(parsed, name);
            assertEquals(name, parsed.subtaskName());
            assertEquals("Op" + i / 16, parsed.vertex());
            assertEquals(i % 16, parsed.subtask());
            vertices.add(parsed.vertex());
        }
        assertEquals(16, vertices.size());
        assertEquals("Op3 (2/16)#0", FakeTaskThreads.threadName(49, 16));
        // 1000 threads at parallelism 16: the last operator is only partly there, its names still valid.
        assertNotNull(TaskThreadName.parseFlink(FakeTaskThreads.threadName(999, 16)));
    }

    @Test
    void optionsParse() {
        TickCostBenchmark.Options o = TickCostBenchmark.Options.parse(
                new String[] {"--threads=16, 256,1000", "--ticks=50", "--running=0", "--stack-depth=8"});
        assertEquals(List.of(16, 256, 1000), o.threads());
        assertEquals(50, o.ticks());
        assertEquals(0, o.running());
        assertEquals(8, o.stackDepth());
        assertThrows(IllegalArgumentException.class, () -> TickCostBenchmark.Options.parse(new String[] {"--ticks=0"}));
        assertThrows(IllegalArgumentException.class, () -> TickCostBenchmark.Options.parse(new String[] {"--nope=1"}));
        assertThrows(IllegalArgumentException.class, () -> TickCostBenchmark.Options.parse(new String[] {"16"}));
    }

    private static boolean contains(StackTraceElement[] stack, String className, String method) {
        return Arrays.stream(stack).anyMatch(f -> f.getClassName().equals(className) && f.getMethodName().equals(method));
    }

    private static long count(StackTraceElement[] stack, String method) {
        return Arrays.stream(stack).filter(f -> f.getMethodName().equals(method)).count();
    }
}

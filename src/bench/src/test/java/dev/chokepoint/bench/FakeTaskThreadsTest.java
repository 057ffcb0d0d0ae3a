package dev.chokepoint.bench;

import dev.chokepoint.api.Settings;

import dev.chokepoint.agent.classify.BufferRequestFrames;
import dev.chokepoint.agent.classify.ThreadState;
import dev.chokepoint.agent.config.ConfigException;
import dev.chokepoint.agent.config.ConfigParser;
import dev.chokepoint.agent.config.FrameSignature;
import dev.chokepoint.agent.discover.TaskThreadName;
import dev.chokepoint.agent.discover.TaskThreadSelector;
import dev.chokepoint.agent.instrument.ThreadWaits;
import dev.chokepoint.agent.instrument.WaitRecorder;
import dev.chokepoint.agent.sample.StackSampler;
import dev.chokepoint.bench.FakeTaskThreads.FakeTaskThread;
import dev.chokepoint.bench.FakeTaskThreads.Role;
import org.apache.flink.runtime.io.network.buffer.LocalBufferPool;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The harness's fake task threads are what the benchmark says they are, as the agent's own selector,
 * frame matcher and stack sampler see them (classes taken from the agent module, not copies), in the
 * configurations the benchmark measures. This JVM runs without the agent, so the stand-in LocalBufferPool is
 * not instrumented here: what the instrumentation would report ({@code inBufferRequest}) is passed by hand.
 */
class FakeTaskThreadsTest {

    /** The agent's default depth; the blocked frames must lie within it. */
    private static final int AGENT_DEFAULT_DEPTH = Settings.DEPTH_DEFAULT;
    /** The agent with its defaults: Flink's built-in frames only. */
    private static final BufferRequestFrames FLINK_FRAMES = new BufferRequestFrames(List.of());
    /** The benchmark's user-frames configuration: a frame no thread is in. */
    private static final BufferRequestFrames USER_FRAMES = new BufferRequestFrames(userFrames());
    private static final String POOL = LocalBufferPool.class.getName();

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
                boolean blocked = t.role() == Role.BLOCKED_ON_BUFFER;
                // Flink 1.12+'s shape: requestBufferBuilderBlocking -> requestMemorySegmentBlocking -> CompletableFuture.get
                assertEquals(blocked, contains(full, POOL, "requestBufferBuilderBlocking"), t.getName());
                assertEquals(blocked, contains(full, POOL, "requestMemorySegmentBlocking"), t.getName());
                assertEquals(blocked, contains(full, "java.util.concurrent.CompletableFuture", "get"), t.getName());
                assertEquals(t.role() == Role.IDLE_IN_MAILBOX, contains(full, FakeMailbox.class.getName(), "take"),
                        t.getName());
                Object blocker = LockSupport.getBlocker(t);
                assertEquals(blocked, blocker != null && blocker.getClass().getName().equals(FakeTaskThreads.FUTURE_BLOCKER),
                        t.getName() + " parked on " + blocker);
                assertEquals(t.role() == Role.IDLE_IN_MAILBOX, blocker instanceof Condition, t.getName() + " parked on " + blocker);

                // The agent's frame matchers find the blocked ones in the bounded stack, and only them.
                ThreadInfo info = bounded[i];
                assertNotNull(info, t.getName());
                for (BufferRequestFrames frames : List.of(FLINK_FRAMES, USER_FRAMES)) {
                    boolean agentBlocked = info.getThreadState() != Thread.State.RUNNABLE
                            && frames.isBlocked(info.getStackTrace());
                    assertEquals(blocked, agentBlocked, t.getName());
                }
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
    void theAgentsSamplerWalksNoneInstrumentedTheBlockedOnesWithoutAndEveryWaitingOneWithUserFrames() throws Exception {
        int n = 16;
        FakeTaskThreads fake = FakeTaskThreads.start(n, 1, 16, 40);
        try {
            fake.awaitSettled(30, TimeUnit.SECONDS);
            assertTrue(FLINK_FRAMES.builtInOnly());
            assertFalse(USER_FRAMES.builtInOnly());
            int blocked = fake.count(Role.BLOCKED_ON_BUFFER);
            int idle = fake.count(Role.IDLE_IN_MAILBOX);
            int running = fake.count(Role.RUNNING);
            // What the instrumentation holds for a thread inside a timed request: a record whose wait is in progress.
            WaitRecorder recorder = new WaitRecorder();
            recorder.requestStarted();
            ThreadWaits inRequest = recorder.forThread(Thread.currentThread().getId());
            assertTrue(inRequest.waiting());
            Function<FakeTaskThread, ThreadWaits> instrumented =
                    t -> t.role() == Role.BLOCKED_ON_BUFFER ? inRequest : null;
            Function<FakeTaskThread, ThreadWaits> notInstrumented = t -> null;

            // defaults: the instrumentation reports the blocked threads inside a request, the idle ones are
            // parked on a Condition, the RUNNABLE one is busy: no stack is walked.
            Map<String, ThreadState> defaults = new HashMap<>();
            assertEquals(0, sample(fake, FLINK_FRAMES, instrumented, defaults));
            // instrument=false: the blocked threads are found by the walk, the Condition waiters still are not walked.
            Map<String, ThreadState> walked = new HashMap<>();
            assertEquals(blocked, sample(fake, FLINK_FRAMES, notInstrumented, walked));
            // user frames, instrument=false: every waiting thread is walked, the Condition waiters included.
            Map<String, ThreadState> user = new HashMap<>();
            assertEquals(n - running, sample(fake, USER_FRAMES, notInstrumented, user));
            // user frames, instrumented: the blocked threads are settled by the instrumentation, the idle ones walked.
            Map<String, ThreadState> userInstrumented = new HashMap<>();
            assertEquals(idle, sample(fake, USER_FRAMES, instrumented, userInstrumented));

            for (FakeTaskThread t : fake.threads()) {
                ThreadState expected = switch (t.role()) {
                    case BLOCKED_ON_BUFFER -> ThreadState.IN_BUFFER_REQUEST;
                    case IDLE_IN_MAILBOX -> ThreadState.WAITING_FOR_WORK;
                    case RUNNING -> ThreadState.RUNNING;
                };
                assertEquals(expected, defaults.get(t.getName()), t.getName() + ", defaults");
                assertEquals(expected, walked.get(t.getName()), t.getName() + ", instrument=false");
                assertEquals(expected, user.get(t.getName()), t.getName() + ", user frames, instrument=false");
                assertEquals(expected, userInstrumented.get(t.getName()), t.getName() + ", user frames, instrumented");
            }
        } finally {
            fake.close();
        }
    }

    /** The benchmark's default user frames, as the agent's own parser reads them. */
    private static List<FrameSignature> userFrames() {
        try {
            List<FrameSignature> frames = ConfigParser.parse("frames=" + TickCostBenchmark.DEFAULT_USER_FRAMES,
                    new Properties()).frames();
            assertEquals(1, frames.size());
            return frames;
        } catch (ConfigException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * One tick of the agent's sampler over the fake threads, {@code waits} standing for what the
     * instrumentation would report of each; returns how many stacks it walked.
     */
    private static int sample(FakeTaskThreads fake, BufferRequestFrames frames, Function<FakeTaskThread, ThreadWaits> waits,
                              Map<String, ThreadState> states) {
        StackSampler sampler = new StackSampler(ManagementFactory.getThreadMXBean());
        TaskThreadSelector selector = new TaskThreadSelector(null);
        StackSampler.Sink sink = (thread, subtask, state, threadWaits, lockClass, lockOwner) -> {
            assertEquals(thread.getName(), subtask.subtaskName());
            assertNull(states.put(subtask.subtaskName(), state), subtask.subtaskName() + " sampled twice");
        };
        for (FakeTaskThread t : fake.threads()) {
            sampler.add(t, selector.identify(t.getName(), t.getThreadGroup().getName()), waits.apply(t), null,
                    frames, sink);
        }
        sampler.finish(frames, AGENT_DEFAULT_DEPTH, sink);
        assertEquals(fake.threads().size(), sampler.takeSampledCount());
        assertEquals(fake.threads().size(), states.size());
        return sampler.takeWalkedCount();
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
                new String[] {"--threads=16, 256,1000", "--ticks=50", "--running=0", "--stack-depth=8",
                        "--agent-args=depth=8,delay=20ms", "--user-frames=a.B#c;d.E#f"});
        assertEquals(List.of(16, 256, 1000), o.threads());
        assertEquals(50, o.ticks());
        assertEquals(0, o.running());
        assertEquals(8, o.stackDepth());
        assertEquals("depth=8,delay=20ms", o.agentArgs());
        assertEquals("a.B#c;d.E#f", o.userFrames());
        TickCostBenchmark.Options defaults = TickCostBenchmark.Options.parse(new String[] {"--agent-args="});
        assertEquals("", defaults.agentArgs());
        assertEquals(TickCostBenchmark.DEFAULT_USER_FRAMES, defaults.userFrames());
        assertThrows(IllegalArgumentException.class, () -> TickCostBenchmark.Options.parse(new String[] {"--user-frames="}));
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

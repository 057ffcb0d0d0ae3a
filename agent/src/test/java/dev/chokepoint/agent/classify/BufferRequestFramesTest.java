package dev.chokepoint.agent.classify;

import dev.chokepoint.agent.config.FrameSignature;
import org.junit.jupiter.api.Test;

import java.util.Collections;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stacks as Flink's threads show them (innermost first), per version; see flink-internals.md §2. */
class BufferRequestFramesTest {

    private static final String POOL = "org.apache.flink.runtime.io.network.buffer.LocalBufferPool";
    private final BufferRequestFrames frames = new BufferRequestFrames(Collections.<FrameSignature>emptyList());

    @Test
    void flink19WaitsInRequestMemorySegment() {
        assertTrue(frames.isBlocked(stack(
                "java.lang.Object#wait",
                POOL + "#requestMemorySegment",
                POOL + "#requestBufferBuilderBlocking",
                "org.apache.flink.runtime.io.network.api.writer.RecordWriter#requestNewBufferBuilder")));
    }

    @Test
    void flink19OnJdk21WaitsThroughWait0() {
        assertTrue(frames.isBlocked(stack(
                "java.lang.Object#wait0",
                "java.lang.Object#wait",
                POOL + "#requestMemorySegment",
                "org.apache.flink.runtime.io.network.partition.ResultPartition#getBufferBuilder")));
    }

    @Test
    void requestMemorySegmentWithoutWaitIsNotBlocked() {
        // 1.10+: requestMemorySegment() is the non-blocking path; a thread there may be BLOCKED on the pool's lock
        assertFalse(frames.isBlocked(stack(
                POOL + "#requestMemorySegment",
                POOL + "#requestBuffer",
                "org.apache.flink.runtime.io.network.partition.consumer.BufferManager#requestBuffer")));
    }

    @Test
    void flink112PlusParksInRequestMemorySegmentBlocking() {
        assertTrue(frames.isBlocked(stack(
                "jdk.internal.misc.Unsafe#park",
                "java.util.concurrent.locks.LockSupport#park",
                "java.util.concurrent.CompletableFuture$Signaller#block",
                "java.util.concurrent.ForkJoinPool#managedBlock",
                "java.util.concurrent.CompletableFuture#waitingGet",
                "java.util.concurrent.CompletableFuture#get",
                POOL + "#requestMemorySegmentBlocking",
                POOL + "#requestBufferBuilderBlocking",
                "org.apache.flink.runtime.io.network.partition.BufferWritingResultPartition#requestNewBufferBuilderFromPool")));
    }

    @Test
    void flink14AndOlderUseRequestBufferBlocking() {
        assertTrue(frames.isBlocked(stack("java.lang.Object#wait", POOL + "#requestBuffer", POOL + "#requestBufferBlocking")));
    }

    @Test
    void hybridShuffleWaitsInTheTieredMemoryManager() {
        assertTrue(frames.isBlocked(stack(
                "jdk.internal.misc.Unsafe#park",
                "java.util.concurrent.CompletableFuture#get",
                "org.apache.flink.runtime.io.network.partition.hybrid.tiered.storage.TieredStorageMemoryManagerImpl#requestBufferBlockingFromPool",
                "org.apache.flink.runtime.io.network.partition.hybrid.tiered.storage.TieredStorageMemoryManagerImpl#requestBufferBlocking")));
    }

    @Test
    void idleMailboxIsNotBlocked() {
        assertFalse(frames.isBlocked(stack(
                "jdk.internal.misc.Unsafe#park",
                "java.util.concurrent.locks.LockSupport#park",
                "java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject#await",
                "org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailboxImpl#take",
                "org.apache.flink.streaming.runtime.tasks.mailbox.MailboxProcessor#processMailsWhenDefaultActionUnavailable",
                "org.apache.flink.streaming.runtime.tasks.StreamTask#invoke")));
    }

    @Test
    void sameMethodNameOnAnotherClassIsNotBlocked() {
        assertFalse(frames.isBlocked(stack("java.lang.Object#wait", "com.example.MyPool#requestBufferBuilderBlocking")));
    }

    @Test
    void userFramesCountAnywhereInTheStack() {
        BufferRequestFrames custom = new BufferRequestFrames(Collections.singletonList(new FrameSignature("com.example.Pool", "take")));
        assertTrue(custom.isBlocked(stack("sun.misc.Unsafe#park", "a.B#c", "d.E#f", "com.example.Pool#take", "g.H#i")));
        assertFalse(custom.isBlocked(stack("sun.misc.Unsafe#park", "com.example.Pool#put")));
        assertTrue(custom.isBlocked(stack("java.lang.Object#wait", POOL + "#requestMemorySegment")), "built-ins stay");
    }

    private static StackTraceElement[] stack(String... frames) {
        StackTraceElement[] stack = new StackTraceElement[frames.length];
        for (int i = 0; i < frames.length; i++) {
            String[] parts = frames[i].split("#");
            stack[i] = new StackTraceElement(parts[0], parts[1], null, -1);
        }
        return stack;
    }
}

package dev.chokepoint.agent.instrument;

import dev.chokepoint.bootstrap.ChokepointBridge;
import net.bytebuddy.asm.Advice;

/**
 * Inlined around a blocking buffer request (Flink 1.10+: {@code requestMemorySegmentBlocking},
 * hybrid shuffle: {@code requestBufferBlockingFromPool}). Two static calls into the bootstrap
 * bridge; anything thrown in here is swallowed by Byte Buddy, never seen by Flink.
 */
public final class BufferRequestAdvice {

    private BufferRequestAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static long enter() {
        return ChokepointBridge.requestStarted();
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.Enter long started) {
        ChokepointBridge.requestEnded(started);
    }
}

package dev.chokepoint.agent.instrument;

import dev.chokepoint.bootstrap.ChokepointBridge;
import net.bytebuddy.asm.Advice;

/**
 * Inlined around Flink 1.5–1.9's {@code LocalBufferPool.requestMemorySegment(boolean isBlocking)},
 * which serves blocking and non-blocking requests alike: only the blocking ones are timed.
 */
public final class BlockingFlagRequestAdvice {

    private BlockingFlagRequestAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static long enter(@Advice.Argument(0) boolean isBlocking) {
        return isBlocking ? ChokepointBridge.requestStarted() : 0L;
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.Enter long started) {
        ChokepointBridge.requestEnded(started);
    }
}

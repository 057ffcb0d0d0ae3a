package dev.chokepoint.agent.instrument;

import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import org.junit.jupiter.api.Test;

import java.util.Collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * Which wait is timed for each shape {@code LocalBufferPool} has had (read from Flink 1.9.3,
 * 1.12.7, 1.20.3 and 2.3.0). Shapes only; the rewritten code runs against real Flink in src/e2e-*
 * and src/bench-jmh.
 */
class BufferRequestInstrumentationTest {

    @SuppressWarnings("unused")
    static final class Flink19Pool {
        public Object requestBufferBuilderBlocking() {
            return null;
        }

        private Object requestMemorySegment(boolean isBlocking) {
            return null;
        }
    }

    @SuppressWarnings("unused")
    static final class Flink110Pool {
        public Object requestBufferBuilderBlocking() {
            return null;
        }

        private Object requestMemorySegmentBlocking() {
            return null;
        }
    }

    @SuppressWarnings("unused")
    static final class Flink120Pool {
        public Object requestMemorySegmentBlocking() {
            return requestMemorySegmentBlocking(0);
        }

        private Object requestMemorySegmentBlocking(int targetChannel) {
            return null;
        }

        private Object requestMemorySegment(int targetChannel) {
            return null;
        }
    }

    @SuppressWarnings("unused")
    static final class UnknownPool {
        public Object takeSegment() {
            return null;
        }
    }

    @Test
    void flink110PlusTimesTheFutureWaitInRequestMemorySegmentBlocking() {
        assertTimed(Flink120Pool.class, "Flink120Pool.requestMemorySegmentBlocking: CompletableFuture.get()");
    }

    @Test
    void flink110HasTheSameWait() {
        assertTimed(Flink110Pool.class, "Flink110Pool.requestMemorySegmentBlocking: CompletableFuture.get()");
    }

    @Test
    void flink19TimesTheMonitorWaitInRequestMemorySegment() {
        assertTimed(Flink19Pool.class, "Flink19Pool.requestMemorySegment(boolean): Object.wait(long)");
    }

    @Test
    void anUnknownShapeIsLeftAlone() {
        BufferRequestInstrumentation instrumentation = new BufferRequestInstrumentation();
        AsmVisitorWrapper wrapper = instrumentation.substitutionFor(TypeDescription.ForLoadedType.of(UnknownPool.class));
        assertSame(AsmVisitorWrapper.NoOp.INSTANCE, wrapper);
        assertEquals(Collections.emptySet(), instrumentation.instrumented());
    }

    private static void assertTimed(Class<?> pool, String expected) {
        BufferRequestInstrumentation instrumentation = new BufferRequestInstrumentation();
        AsmVisitorWrapper wrapper = instrumentation.substitutionFor(TypeDescription.ForLoadedType.of(pool));
        assertNotSame(AsmVisitorWrapper.NoOp.INSTANCE, wrapper);
        assertEquals(Collections.singleton(expected), instrumentation.instrumented());
    }
}

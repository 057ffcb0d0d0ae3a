package dev.chokepoint.agent.instrument;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * Which wait is timed for each shape {@code LocalBufferPool} has had (read from Flink 1.9.3,
 * 1.12.7, 1.20.3 and 2.3.0): what is claimed as timed is what the written class really calls. The
 * rewritten code runs against real Flink in src/e2e-* and src/bench-jmh.
 */
class BufferRequestInstrumentationTest {

    @SuppressWarnings("unused")
    static final class Flink19Pool {
        private final Object availableMemorySegments = new Object();

        public Object requestBufferBuilderBlocking() throws InterruptedException {
            return requestMemorySegment(true);
        }

        private Object requestMemorySegment(boolean isBlocking) throws InterruptedException {
            synchronized (availableMemorySegments) {
                availableMemorySegments.wait(2000);
            }
            return null;
        }
    }

    @SuppressWarnings("unused")
    static final class Flink110Pool {
        public Object requestBufferBuilderBlocking() throws Exception {
            return requestMemorySegmentBlocking();
        }

        private Object requestMemorySegmentBlocking() throws Exception {
            return new CompletableFuture<>().get();
        }
    }

    @SuppressWarnings("unused")
    static final class Flink120Pool {
        public Object requestMemorySegmentBlocking() throws Exception {
            return requestMemorySegmentBlocking(0);
        }

        private Object requestMemorySegmentBlocking(int targetChannel) throws Exception {
            return new CompletableFuture<>().get();
        }

        private Object requestMemorySegment(int targetChannel) {
            return null;
        }
    }

    /** A fork that waits with {@code join()}: the method is there, the call the rewrite replaces is not. */
    @SuppressWarnings("unused")
    static final class JoiningPool {
        public Object requestMemorySegmentBlocking() {
            return new CompletableFuture<>().join();
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
    void anUnknownShapeIsLeftAloneAndSaysSo() {
        BufferRequestInstrumentation instrumentation = new BufferRequestInstrumentation();
        AsmVisitorWrapper wrapper = instrumentation.substitutionFor(TypeDescription.ForLoadedType.of(UnknownPool.class));
        assertSame(AsmVisitorWrapper.NoOp.INSTANCE, wrapper);
        assertEquals(Collections.emptySet(), instrumentation.instrumented());
        assertEquals(Collections.singleton("UnknownPool has none of the buffer-request methods Chokepoint knows"),
                instrumentation.untimed());
    }

    @Test
    void aRewriteThatMatchedNoWaitCallClaimsNothing() {
        BufferRequestInstrumentation instrumentation = new BufferRequestInstrumentation();
        rewrite(instrumentation, JoiningPool.class);
        assertEquals(Collections.emptySet(), instrumentation.instrumented());
        assertEquals(Collections.singleton("JoiningPool.requestMemorySegmentBlocking has no CompletableFuture.get() call"),
                instrumentation.untimed());
    }

    @Test
    void nothingIsClaimedBeforeTheRewriteIsWritten() {
        BufferRequestInstrumentation instrumentation = new BufferRequestInstrumentation();
        instrumentation.substitutionFor(TypeDescription.ForLoadedType.of(Flink120Pool.class));
        assertEquals(Collections.emptySet(), instrumentation.instrumented());
    }

    private static void assertTimed(Class<?> pool, String expected) {
        BufferRequestInstrumentation instrumentation = new BufferRequestInstrumentation();
        rewrite(instrumentation, pool);
        assertEquals(Collections.singleton(expected), instrumentation.instrumented());
        assertEquals(Collections.emptySet(), instrumentation.untimed());
    }

    /** Plans the rewrite of {@code pool} and writes it, as the transformer does; the class itself is not changed. */
    private static void rewrite(BufferRequestInstrumentation instrumentation, Class<?> pool) {
        AsmVisitorWrapper wrapper = instrumentation.substitutionFor(TypeDescription.ForLoadedType.of(pool));
        assertNotSame(AsmVisitorWrapper.NoOp.INSTANCE, wrapper);
        new ByteBuddy().redefine(pool).visit(wrapper).make();
    }
}

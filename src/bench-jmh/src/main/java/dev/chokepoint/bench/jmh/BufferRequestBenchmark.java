package dev.chokepoint.bench.jmh;

import org.apache.flink.core.memory.MemorySegment;
import org.apache.flink.runtime.io.network.buffer.BufferBuilder;
import org.apache.flink.runtime.io.network.buffer.LocalBufferPool;
import org.apache.flink.runtime.io.network.buffer.NetworkBufferPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * One uncontended buffer request on a real Flink 1.20 {@link LocalBufferPool}, and the recycling of
 * that buffer, so that every operation finds a free buffer and returns at once. The blocking
 * requests go through the private {@code requestMemorySegmentBlocking(int)}, the method the agent
 * times; the non-blocking one does not, and is the same operation without the advice.
 *
 * <p>Run in forks without and with {@code -javaagent} by {@link AdviceCostBenchmark}; the setup
 * checks in each fork that the agent is (or is not) there and that the advice really is applied.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BufferRequestBenchmark {

    /** Flink's default segment size (taskmanager.memory.segment-size, 32 KiB). */
    static final int SEGMENT_SIZE = 32 * 1024;
    /** The local pool's size; only one buffer is ever out at a time. */
    static final int POOL_SEGMENTS = 16;

    private NetworkBufferPool network;
    private LocalBufferPool pool;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        network = new NetworkBufferPool(2 * POOL_SEGMENTS, SEGMENT_SIZE);
        pool = (LocalBufferPool) network.createBufferPool(POOL_SEGMENTS, POOL_SEGMENTS);
        // Move the segments into the local pool now, so that no request goes to the global pool.
        pool.reserveSegments(POOL_SEGMENTS);
        // One blocking request on this (the benchmark) thread before the check: the agent then
        // knows this thread, which proves that the advice ran.
        pool.recycle(pool.requestMemorySegmentBlocking());
        AgentCheck.verify();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.lazyDestroy();
        network.destroyAllBufferPools();
        network.destroy();
    }

    /** {@code requestMemorySegmentBlocking()} → private {@code requestMemorySegmentBlocking(int)} (timed). */
    @Benchmark
    public void blockingSegment(Blackhole bh) throws InterruptedException {
        MemorySegment segment = pool.requestMemorySegmentBlocking();
        bh.consume(segment);
        pool.recycle(segment);
    }

    /** The same operation through the non-blocking {@code requestMemorySegment()}: never timed. */
    @Benchmark
    public void nonBlockingSegment(Blackhole bh) {
        MemorySegment segment = pool.requestMemorySegment();
        bh.consume(segment);
        pool.recycle(segment);
    }

    /**
     * What a record writer does: {@code requestBufferBuilderBlocking()} (→ the timed
     * {@code requestMemorySegmentBlocking(int)}), then {@code close()}, which recycles the buffer.
     */
    @Benchmark
    public void blockingBufferBuilder(Blackhole bh) throws InterruptedException {
        BufferBuilder builder = pool.requestBufferBuilderBlocking();
        bh.consume(builder);
        builder.close();
    }
}

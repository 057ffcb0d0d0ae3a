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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One uncontended buffer request on a real Flink 1.20 {@link LocalBufferPool}, and the recycling of
 * that buffer, so that every operation finds a free buffer and returns at once. The blocking
 * requests go through the private {@code requestMemorySegmentBlocking(int)}, whose wait the agent
 * times; the non-blocking one does not, and is the same operation without any instrumentation.
 *
 * <p>Run in forks without and with {@code -javaagent} by {@link AdviceCostBenchmark}; the setup
 * checks in each fork that the agent is (or is not) there and that the instrumentation really is applied.
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
        // One request on this (the benchmark) thread that really waits, before the check: the agent
        // then knows this thread, which proves that the rewritten wait ran.
        waitOnceForABuffer();
        AgentCheck.verify();
    }

    /** Takes every buffer the pool will give, then requests one more, which waits until another thread gives one back. */
    private void waitOnceForABuffer() throws Exception {
        List<MemorySegment> taken = new ArrayList<>();
        MemorySegment segment;
        while ((segment = pool.requestMemorySegment()) != null) {
            taken.add(segment);
        }
        Thread giver = new Thread(() -> {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            pool.recycle(taken.get(0));
        }, "bench-buffer-giver");
        giver.start();
        MemorySegment waitedFor = pool.requestMemorySegmentBlocking();
        giver.join();
        pool.recycle(waitedFor);
        for (int i = 1; i < taken.size(); i++) {
            pool.recycle(taken.get(i));
        }
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

package dev.chokepoint.e2e;

import org.apache.flink.core.memory.MemorySegment;
import org.apache.flink.runtime.io.network.buffer.BufferBuilder;
import org.apache.flink.runtime.io.network.buffer.BufferPool;
import org.apache.flink.runtime.io.network.buffer.NetworkBufferPool;
import org.apache.flink.runtime.io.network.partition.hybrid.tiered.storage.TieredStorageMemoryManagerImpl;
import org.apache.flink.runtime.io.network.partition.hybrid.tiered.storage.TieredStorageMemorySpec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The child JVM's main: Flink 1.20 and 2.x hybrid-shuffle memory manager
 * ({@code TieredStorageMemoryManagerImpl}) on a real {@code NetworkBufferPool}, in the one state in
 * which its producer waits in {@code requestBufferBlockingFromPool}: its {@code LocalBufferPool}
 * has not reached its size, but the TaskManager's global pool is empty because another pool holds
 * overdraft buffers (a backpressured pipelined partition takes up to
 * {@code taskmanager.network.memory.max-overdraft-buffers-per-gate} of them beyond its size).
 *
 * <p>Why not a whole hybrid-shuffle job: in a real batch job with {@code ALL_EXCHANGES_HYBRID_FULL},
 * a slow consumer does not block the producer there. The disk tier takes what the memory tier
 * cannot hold, and once the memory manager holds all of its pool's buffers it waits in
 * {@code requestBufferBlockingFromQueue} (a {@code LinkedBlockingQueue.take}) for its own disk
 * flushes instead (see docs/flink-buffer-pools.md). This main builds the pool state directly, with
 * Flink's own classes, and runs the request on a thread named and grouped like a task thread, so
 * that the agent samples it as one.
 */
public final class TieredStorageWaitHarness {

    /** The producer's thread name, as Flink names task threads: vertex (subtask/parallelism)#attempt. */
    public static final String VERTEX = "Hybrid Producer";
    public static final String THREAD_NAME = VERTEX + " (1/1)#0";
    /** Printed once the overdraft has emptied the global pool and the producer starts requesting. */
    public static final String PRODUCING = "chokepoint-e2e: hybrid producer requesting buffers";

    private static final int SEGMENTS = 16;
    private static final int SEGMENT_SIZE = 4096;
    private static final int OVERDRAFT = 5;

    private TieredStorageWaitHarness() {
    }

    public static void main(String[] args) throws Exception {
        NetworkBufferPool global = new NetworkBufferPool(SEGMENTS, SEGMENT_SIZE);
        // The tiered partition's pool, sized like ResultPartitionFactory's for hybrid (min < max, unbounded
        // here), and a pipelined partition's pool of 2 buffers with Flink's default overdraft of 5.
        BufferPool tieredPool = global.createBufferPool(2, Integer.MAX_VALUE);
        BufferPool pipelinedPool = global.createBufferPool(2, 2, 1, 10, OVERDRAFT);

        // The pipelined partition's writer, backpressured: its 2 buffers and its overdraft, never recycled.
        List<MemorySegment> heldByPipelined = new ArrayList<>();
        MemorySegment segment;
        while ((segment = pipelinedPool.requestMemorySegment()) != null) {
            heldByPipelined.add(segment);
        }
        System.out.println("chokepoint-e2e: pipelined pool holds " + heldByPipelined.size() + " buffers (size "
                + pipelinedPool.getNumBuffers() + "), tiered pool size " + tieredPool.getNumBuffers()
                + ", global pool has " + global.getNumberOfAvailableMemorySegments() + " left of " + SEGMENTS);

        TieredStorageMemoryManagerImpl memoryManager = new TieredStorageMemoryManagerImpl(0.6f, false);
        Object owner = new Object();
        memoryManager.setup(tieredPool, Collections.singletonList(new TieredStorageMemorySpec(owner, 1)));

        List<BufferBuilder> written = new ArrayList<>();
        Thread producer = new Thread(new ThreadGroup("Flink Task Threads"), () -> {
            System.out.println(PRODUCING);
            while (!Thread.currentThread().isInterrupted()) {
                // Blocks in requestBufferBlockingFromPool once the global pool has nothing left for it.
                written.add(memoryManager.requestBufferBlocking(owner));
            }
        }, THREAD_NAME);
        producer.start();
        producer.join();
        System.out.println("chokepoint-e2e: " + heldByPipelined.size() + " " + written.size());
    }
}

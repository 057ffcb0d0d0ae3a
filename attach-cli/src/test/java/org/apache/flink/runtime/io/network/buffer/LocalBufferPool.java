package org.apache.flink.runtime.io.network.buffer;

import java.util.concurrent.CompletableFuture;

/**
 * Test stand-in, under Flink's name, for the {@code LocalBufferPool} of a Flink fork that waits for
 * a buffer with {@code join()}: the method the agent rewrites is there, the call it substitutes
 * ({@code CompletableFuture.get()}) is not. Run by {@code dev.chokepoint.cli.testing.ForkPoolApp};
 * left out of the test jar, so that it never meets a real Flink.
 */
public final class LocalBufferPool {

    private final CompletableFuture<Object> available = new CompletableFuture<>();

    public Object requestBufferBuilderBlocking() {
        return requestMemorySegmentBlocking(0);
    }

    private Object requestMemorySegmentBlocking(int targetChannel) {
        return available.join();
    }
}

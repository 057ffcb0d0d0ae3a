package org.apache.flink.runtime.io.network.partition.hybrid.tiered.storage;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Test stand-in, under Flink's name, for hybrid shuffle's memory manager, waiting as Flink 1.20's
 * does ({@code get(100, ms)} on a future that never completes): a class the agent rewrites and
 * times. Each call returns after one wait, so that a caller looping over it runs whatever code
 * the class has now: rewritten, or its original again. Left out of the test jar.
 */
public final class TieredStorageMemoryManagerImpl {

    private final CompletableFuture<Object> available = new CompletableFuture<>();

    /** One wait of 100 ms; false when it timed out, as it always does. */
    public boolean requestOnce() throws Exception {
        return requestBufferBlockingFromPool() != null;
    }

    private Object requestBufferBlockingFromPool() throws Exception {
        try {
            return available.get(100, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return null;
        }
    }
}

package dev.chokepoint.cli.testing;

import org.apache.flink.runtime.io.network.buffer.LocalBufferPool;
import org.apache.flink.runtime.io.network.partition.hybrid.tiered.storage.TieredStorageMemoryManagerImpl;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A host JVM with Flink-named buffer pools of its own (test stand-ins under Flink's class names):
 * task thread {@value #LOCAL_POOL_TASK} blocks in a {@link LocalBufferPool} that waits with
 * {@code join()} (a Flink fork the agent cannot time), task thread {@value #TIERED_TASK} keeps
 * requesting from a {@link TieredStorageMemoryManagerImpl} that waits as Flink's does (one the agent
 * times). Both classes are loaded before {@value #READY} is printed. Runs until stdin closes. With
 * the argument {@code jmx} it creates the platform MBean server first, on its main thread (whose
 * class loader finds a {@code javax.management.builder.initial} of the test classes).
 */
public final class ForkPoolApp {

    public static final String READY = "FORK POOLS READY";
    public static final String LOCAL_POOL_TASK = "Fork Map (1/1)#0";
    public static final String TIERED_TASK = "Hybrid Map (1/1)#0";

    private static final ThreadGroup TASK_THREADS = new ThreadGroup("Flink Task Threads");

    private ForkPoolApp() {
    }

    public static void main(String[] args) throws Exception {
        if (java.util.Arrays.asList(args).contains("jmx")) {
            java.lang.management.ManagementFactory.getPlatformMBeanServer();
        }
        LocalBufferPool local = new LocalBufferPool();
        TieredStorageMemoryManagerImpl tiered = new TieredStorageMemoryManagerImpl();
        start(LOCAL_POOL_TASK, local::requestBufferBuilderBlocking);
        start(TIERED_TASK, () -> {
            while (true) {
                tiered.requestOnce();
            }
        });
        System.out.println(READY);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            // nothing to do: the test only closes stdin
        }
    }

    private interface Body {
        Object run() throws Exception;
    }

    private static void start(String name, Body body) {
        Thread thread = new Thread(TASK_THREADS, () -> {
            try {
                body.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }
}

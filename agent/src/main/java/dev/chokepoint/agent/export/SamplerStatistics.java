package dev.chokepoint.agent.export;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * What the sampler did and what it cost: written by the sampler thread after each tick, read by
 * JMX threads through volatile fields.
 */
public final class SamplerStatistics {

    private final TickCost cost = new TickCost();
    private volatile long ticks;
    private volatile long errors;
    private volatile int taskThreads;
    private volatile int walkedThreads;
    private volatile int subtasks;
    private volatile Thread sampler;

    /** Sampler thread, once, so that its CPU time can be read. */
    public void samplerStarted(Thread thread) {
        sampler = thread;
    }

    /** After a tick that ran to its end: what it saw. */
    public void tickDone(int sampledThreads, int walked, int subtaskCount) {
        taskThreads = sampledThreads;
        walkedThreads = walked;
        subtasks = subtaskCount;
    }

    /** After every tick, failed or not. */
    public void ticked(long tick, long nanos, int ticksPerWindow) {
        ticks = tick;
        cost.record(nanos, ticksPerWindow);
    }

    /** Counts a failure the sampler survived; sampler thread only. */
    public void failed() {
        errors++;
    }

    public TickCost cost() {
        return cost;
    }

    public long ticks() {
        return ticks;
    }

    public long errors() {
        return errors;
    }

    public int taskThreads() {
        return taskThreads;
    }

    public int walkedThreads() {
        return walkedThreads;
    }

    public int subtasks() {
        return subtasks;
    }

    /** Read on the JMX reader's thread, so the sampler pays nothing for it; -1 where not measured. */
    public long cpuTimeNanos() {
        try {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            if (!threads.isThreadCpuTimeSupported() || !threads.isThreadCpuTimeEnabled()) {
                return -1L;
            }
            Thread thread = sampler;
            return thread == null ? -1L : threads.getThreadCpuTime(thread.getId());
        } catch (RuntimeException e) {
            return -1L;
        }
    }
}

package dev.chokepoint.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A thread that does nothing but park for the agent's delay, again and again, while the agent's ticks
 * are read: the CPU time one park costs it is what any thread that wakes at that rate pays on this
 * machine, measured in the same minute as the sampler (whose every tick ends in the same park). On a
 * virtual machine a park and its wake-up can cost tens of µs of the thread's CPU time, from one minute
 * to the next a different amount.
 */
final class ParkControl implements AutoCloseable {

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final long parkNanos;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile long parks;
    private volatile long startCpuNanos = -1;

    private ParkControl(long parkNanos) {
        this.parkNanos = parkNanos;
        this.thread = new Thread(this::run, "bench-park-control");
        thread.setDaemon(true);
    }

    /** Starts a thread parking {@code delayMillis} at a time. */
    static ParkControl start(long delayMillis) {
        ParkControl control = new ParkControl(TimeUnit.MILLISECONDS.toNanos(delayMillis));
        control.thread.start();
        return control;
    }

    private void run() {
        startCpuNanos = threads.getCurrentThreadCpuTime();
        long n = 0;
        while (!stopped) {
            LockSupport.parkNanos(parkNanos);
            parks = ++n;
        }
    }

    /** The control thread's CPU time per park so far, in µs; NaN before its first park or where CPU time is not measured. */
    double cpuMicrosPerPark() {
        long n = parks;
        long cpu = threads.getThreadCpuTime(thread.getId());
        long start = startCpuNanos;
        return n == 0 || cpu < 0 || start < 0 ? Double.NaN : (cpu - start) / 1000.0 / n;
    }

    @Override
    public void close() {
        stopped = true;
        LockSupport.unpark(thread);
    }
}

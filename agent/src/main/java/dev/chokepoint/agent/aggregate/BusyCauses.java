package dev.chokepoint.agent.aggregate;

import dev.chokepoint.agent.classify.SampleKind;
import dev.chokepoint.api.Cause;

/**
 * A subtask's busy share split into causes, each a share of the window; together they make the
 * busy share. From the samples: locked, sleeping, waiting externally, other, and running; running
 * is then split by the subtask's CPU time into on a CPU ({@link Cause#CPU}) and not. Runnable but
 * off the CPU is {@link Cause#IO} as far as the hot-frame reads found the thread in a native socket
 * or file method, and CPU for the rest (waiting for a core); without such reads, all of it is IO. GC
 * pauses stop every thread and no sample can fall inside one, so the JVM's paused share of wall
 * time, applied to the busy share, is taken out of the sampled causes in proportion.
 */
public final class BusyCauses {

    public final double busy;
    public final double cpu;
    public final double gc;
    public final double lock;
    public final double io;
    public final double sleep;
    public final double external;
    public final double other;

    private BusyCauses(double busy, double cpu, double gc, double lock, double io, double sleep, double external,
                       double other) {
        this.busy = busy;
        this.cpu = cpu;
        this.gc = gc;
        this.lock = lock;
        this.io = io;
        this.sleep = sleep;
        this.external = external;
        this.other = other;
    }

    /**
     * @param snapshot     {@link SampleWindow#snapshot()}
     * @param busySnapshot {@link SampleWindow#busySnapshot()} of the same tick
     * @param cpuFraction  the subtask's CPU time over wall time; NaN when unknown (running then counts as CPU)
     * @param gcFraction   the JVM's paused share of wall time, 0..1
     */
    public static BusyCauses of(long snapshot, long busySnapshot, double cpuFraction, double gcFraction) {
        return of(snapshot, busySnapshot, cpuFraction, gcFraction, Double.NaN);
    }

    /**
     * @param ioShareOfRunning of the stack reads that found the thread RUNNABLE, the share in native
     *                         I/O; NaN without reads (then all runnable time off the CPU is IO)
     */
    public static BusyCauses of(long snapshot, long busySnapshot, double cpuFraction, double gcFraction,
                                double ioShareOfRunning) {
        int samples = SampleWindow.samples(snapshot);
        if (samples == 0) {
            return new BusyCauses(0, 0, 0, 0, 0, 0, 0, 0);
        }
        double busy = (double) SampleWindow.count(snapshot, SampleKind.BUSY) / samples;
        double lock = (double) SampleWindow.busyCount(busySnapshot, 0) / samples;
        double sleep = (double) SampleWindow.busyCount(busySnapshot, 1) / samples;
        double external = (double) SampleWindow.busyCount(busySnapshot, 2) / samples;
        double other = (double) SampleWindow.busyCount(busySnapshot, 3) / samples;
        double running = Math.max(0, SampleWindow.runningCount(snapshot, busySnapshot)) / (double) samples;
        double g = Math.max(0.0, Math.min(1.0, gcFraction));
        double kept = 1.0 - g;
        double runningKept = running * kept;
        double onCpu = Double.isNaN(cpuFraction) ? runningKept : Math.min(runningKept, cpuFraction);
        double offCpu = runningKept - onCpu;
        double io = Double.isNaN(ioShareOfRunning) ? offCpu : offCpu * Math.max(0.0, Math.min(1.0, ioShareOfRunning));
        return new BusyCauses(busy, runningKept - io, busy * g, lock * kept, io, sleep * kept, external * kept,
                other * kept);
    }

    /** The largest cause of the busy time; {@link Cause#NONE} when the busy share is at most {@code notBusy}. */
    public Cause dominant(double notBusy) {
        if (busy <= notBusy || busy == 0) {
            return Cause.NONE;
        }
        Cause best = Cause.CPU;
        double max = cpu;
        double[] shares = {gc, lock, io, sleep, external, other};
        Cause[] causes = {Cause.GC, Cause.LOCK, Cause.IO, Cause.SLEEP, Cause.EXTERNAL_WAIT, Cause.OTHER};
        for (int i = 0; i < shares.length; i++) {
            if (shares[i] > max) {
                max = shares[i];
                best = causes[i];
            }
        }
        return best;
    }
}

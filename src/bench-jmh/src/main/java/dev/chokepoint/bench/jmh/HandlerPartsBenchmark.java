package dev.chokepoint.bench.jmh;

import org.HdrHistogram.SingleWriterRecorder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * Reference points, run without the agent: the pieces the agent's handler executes per timed
 * request ({@code WaitRecorder} / {@code ThreadWaits}), each alone on this machine, and a model of
 * the whole handler. The model is a copy of the handler's steps, not the agent's code (which is
 * never on this classpath): ThreadLocal lookup, {@code System.nanoTime()}, volatile write on
 * entry; ThreadLocal lookup, {@code System.nanoTime()}, two volatile writes and one
 * {@link SingleWriterRecorder#recordValue} on exit, called through a volatile handler field as the
 * bridge does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HandlerPartsBenchmark {

    private final ThreadLocal<Waits> current = new ThreadLocal<>();
    private final SingleWriterRecorder recorder = new SingleWriterRecorder(1, 10_000_000L, 2);
    private volatile Handler handler;

    @Setup(Level.Trial)
    public void setUp() {
        current.set(new Waits());
        handler = new Handler(current);
    }

    /** One {@code System.nanoTime()}: the handler calls it twice per request. */
    @Benchmark
    public long nanoTime() {
        return System.nanoTime();
    }

    /** One {@code ThreadLocal.get()} of a set value: the handler does two per request. */
    @Benchmark
    public Object threadLocalGet() {
        return current.get();
    }

    /** One {@code SingleWriterRecorder.recordValue} (HdrHistogram): one per request. */
    @Benchmark
    public void recordValue() {
        recorder.recordValue(1);
    }

    /** A model of the whole handler: what one timed request adds, the bridge and inlining aside. */
    @Benchmark
    public void handlerModel() {
        Handler h = handler;
        long started = h == null ? 0L : h.requestStarted();
        if (started != 0L) {
            h = handler;
            if (h != null) {
                h.requestEnded(started);
            }
        }
    }

    static final class Waits {
        final SingleWriterRecorder recorder = new SingleWriterRecorder(1, 10_000_000L, 2);
        volatile long waitStartNanos;
        volatile long completedNanos;
    }

    static final class Handler {
        private final ThreadLocal<Waits> current;

        Handler(ThreadLocal<Waits> current) {
            this.current = current;
        }

        long requestStarted() {
            Waits waits = current.get();
            long now = System.nanoTime();
            if (now == 0L) {
                now = 1L;
            }
            waits.waitStartNanos = now;
            return now;
        }

        void requestEnded(long startedNanos) {
            Waits waits = current.get();
            if (waits != null) {
                long waited = Math.max(0, System.nanoTime() - startedNanos);
                waits.completedNanos = waits.completedNanos + waited;
                waits.waitStartNanos = 0L;
                waits.recorder.recordValue(Math.min(10_000_000L, Math.max(1, waited / 1000)));
            }
        }
    }
}

package dev.chokepoint.bench;

import dev.chokepoint.bench.VmOperationLog.Kind;
import dev.chokepoint.bench.VmOperationLog.Operation;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The safepoints and handshakes of one phase's ticks, attributed by time: window {@code i} runs from
 * {@code from[i]} (inclusive) to {@code to[i]} (exclusive, {@link System#nanoTime}) and holds {@code ticks[i]}
 * ticks; an operation belongs to the window its start falls in. Only windows of exactly one tick give per-tick
 * figures; the others (two ticks, or ticks whose extent is not known well enough) are counted as dropped, and
 * the sampling operations that start in them or between windows as unattributed. Operations of the garbage
 * collector and of the VM's own housekeeping are not a tick's doing: they are listed apart, not counted.
 */
final class TickPauses {

    /**
     * Name prefixes of VM operations that stack sampling does not cause: the collectors', and the VM's own
     * housekeeping (inline caches, JIT deoptimization, monitor deflation, biased-lock revocation on JDK ≤ 17).
     */
    private static final List<String> NOT_SAMPLING = List.of("G1", "CGC_", "ParallelGC", "GenCollect", "CollectFor",
            "GC_", "Z", "Shenandoah", "Cleanup", "ICBufferFull", "Deoptimize", "HandshakeForDeflation", "RevokeOneBias",
            "BulkRevokeBias", "Halt", "Exit");

    final int ticks;
    final int dropped;
    /** Sampling operations between the phase's first and last window that fell in no one-tick window. */
    final int unattributed;
    /** Per tick: safepoints; their summed total, time to safepoint and time at safepoint, in µs. */
    final Percentiles safepoints;
    final Percentiles stoppedMicros;
    final Percentiles reachMicros;
    final Percentiles atMicros;
    /** Per tick: handshakes; the longest time one targeted thread was held by one, in µs. */
    final Percentiles handshakes;
    final Percentiles handshakeTargetMicros;
    /** Safepoint and handshake names counted in the one-tick windows, with their number. */
    final Map<String, Integer> counted;
    /** Operations in the one-tick windows that are not counted, with their number. */
    final Map<String, Integer> notCounted;

    private TickPauses(int ticks, int dropped, int unattributed, double[][] perTick, Map<String, Integer> counted,
                       Map<String, Integer> notCounted) {
        this.ticks = ticks;
        this.dropped = dropped;
        this.unattributed = unattributed;
        this.safepoints = Percentiles.of(perTick[0]);
        this.stoppedMicros = Percentiles.of(perTick[1]);
        this.reachMicros = Percentiles.of(perTick[2]);
        this.atMicros = Percentiles.of(perTick[3]);
        this.handshakes = Percentiles.of(perTick[4]);
        this.handshakeTargetMicros = Percentiles.of(perTick[5]);
        this.counted = counted;
        this.notCounted = notCounted;
    }

    /**
     * @param operations as read from the log, in any order
     * @param from       window starts; each window ends after it starts and no later than the next one starts
     * @param to         window ends
     * @param ticks      the number of ticks in each window
     */
    static TickPauses attribute(List<Operation> operations, long[] from, long[] to, int[] ticks) {
        if (from.length != ticks.length || to.length != ticks.length) {
            throw new IllegalArgumentException(from.length + " starts and " + to.length + " ends for " + ticks.length + " windows");
        }
        for (int i = 0; i < from.length; i++) {
            if (to[i] <= from[i] || (i > 0 && from[i] < to[i - 1])) {
                throw new IllegalArgumentException("windows must be non-empty, in order and apart: "
                        + Arrays.toString(from) + " to " + Arrays.toString(to));
            }
        }
        int windows = ticks.length;
        double[][] sums = new double[6][windows];
        Map<String, Integer> counted = new TreeMap<>();
        Map<String, Integer> notCounted = new TreeMap<>();
        int unattributed = 0;
        for (Operation op : operations) {
            long start = op.startNanos();
            if (windows == 0 || start < from[0] || start >= to[windows - 1]) {
                continue; // another phase's
            }
            boolean sampling = isSampling(op.name());
            int w = window(from, to, start);
            if (w < 0 || ticks[w] != 1) {
                if (sampling && op.kind() != Kind.HANDSHAKE_TASK) {
                    unattributed++;
                }
                continue;
            }
            if (op.kind() != Kind.HANDSHAKE_TASK) {
                (sampling ? counted : notCounted).merge(label(op), 1, Integer::sum);
            }
            if (!sampling) {
                continue;
            }
            switch (op.kind()) {
                case SAFEPOINT -> {
                    sums[0][w]++;
                    sums[1][w] += op.totalNanos() / 1000.0;
                    sums[2][w] += op.reachNanos() / 1000.0;
                    sums[3][w] += op.atSafepointNanos() / 1000.0;
                }
                case HANDSHAKE -> sums[4][w]++;
                case HANDSHAKE_TASK -> sums[5][w] = Math.max(sums[5][w], op.totalNanos() / 1000.0);
            }
        }
        int single = 0;
        for (int t : ticks) {
            if (t == 1) {
                single++;
            }
        }
        double[][] perTick = new double[6][single];
        int k = 0;
        for (int w = 0; w < windows; w++) {
            if (ticks[w] == 1) {
                for (int f = 0; f < 6; f++) {
                    perTick[f][k] = sums[f][w];
                }
                k++;
            }
        }
        return new TickPauses(single, windows - single, unattributed, perTick, counted, notCounted);
    }

    /** The window whose range holds {@code time}, or -1. */
    private static int window(long[] from, long[] to, long time) {
        int i = Arrays.binarySearch(from, time);
        int w = i >= 0 ? i : -i - 2;
        return w >= 0 && time < to[w] ? w : -1;
    }

    static boolean isSampling(String name) {
        for (String prefix : NOT_SAMPLING) {
            if (name.startsWith(prefix)) {
                return false;
            }
        }
        return true;
    }

    private static String label(Operation op) {
        return (op.kind() == Kind.SAFEPOINT ? "safepoint " : "handshake ") + op.name();
    }
}

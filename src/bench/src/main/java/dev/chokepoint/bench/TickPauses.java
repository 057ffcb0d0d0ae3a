package dev.chokepoint.bench;

import dev.chokepoint.bench.VmOperationLog.Kind;
import dev.chokepoint.bench.VmOperationLog.Operation;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The safepoints and handshakes of one phase's ticks, attributed by time: the phase is cut into windows
 * by {@code boundaries} ({@link System#nanoTime}), window {@code i} from {@code boundaries[i]} (inclusive) to
 * {@code boundaries[i + 1]} (exclusive) holding {@code ticks[i]} ticks, and an operation belongs to the window
 * its start falls in. Only windows of exactly one tick give per-tick figures; the others are counted as
 * dropped. Operations of the garbage collector and of the VM's own housekeeping are not a tick's doing: they
 * are listed apart, not counted.
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

    private TickPauses(int ticks, int dropped, double[][] perTick, Map<String, Integer> counted,
                       Map<String, Integer> notCounted) {
        this.ticks = ticks;
        this.dropped = dropped;
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
     * @param boundaries increasing times; one more than {@code ticks}
     * @param ticks      the number of ticks in each window
     */
    static TickPauses attribute(List<Operation> operations, long[] boundaries, int[] ticks) {
        if (boundaries.length != ticks.length + 1) {
            throw new IllegalArgumentException(boundaries.length + " boundaries for " + ticks.length + " windows");
        }
        for (int i = 1; i < boundaries.length; i++) {
            if (boundaries[i] <= boundaries[i - 1]) {
                throw new IllegalArgumentException("boundaries must increase: " + Arrays.toString(boundaries));
            }
        }
        int windows = ticks.length;
        double[][] sums = new double[6][windows];
        Map<String, Integer> counted = new TreeMap<>();
        Map<String, Integer> notCounted = new TreeMap<>();
        for (Operation op : operations) {
            int w = window(boundaries, op.startNanos());
            if (w < 0 || ticks[w] != 1) {
                continue;
            }
            boolean sampling = isSampling(op.name());
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
        return new TickPauses(single, windows - single, perTick, counted, notCounted);
    }

    /** The window whose range holds {@code time}, or -1. */
    private static int window(long[] boundaries, long time) {
        int i = Arrays.binarySearch(boundaries, time);
        int w = i >= 0 ? i : -i - 2;
        return w >= 0 && w < boundaries.length - 1 ? w : -1;
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

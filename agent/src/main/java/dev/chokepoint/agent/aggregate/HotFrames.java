package dev.chokepoint.agent.aggregate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The top frames of one subtask's busy stack reads within the last window: a ring of frames with
 * the tick each was read at, published as {@code frame share%} strings, most frequent first. A read
 * older than the window is dropped, so a subtask that is no longer busy shows none. Written by the
 * sampler thread.
 */
final class HotFrames {

    static final int READS = 32;
    private static final int SHOWN = 3;
    private static final String[] NONE = new String[0];

    private final String[] frames = new String[READS];
    private final long[] ticks = new long[READS];
    /** Per read: RUNNABLE, and RUNNABLE in a native I/O method (a socket or file read or write). */
    private final boolean[] running = new boolean[READS];
    private final boolean[] inIo = new boolean[READS];
    private int runningReads;
    private int ioReads;
    private volatile double ioShareOfRunning = Double.NaN;
    private final Map<String, Integer> counts = new HashMap<>();
    /** Index of the oldest read; {@link #size} reads from there on, wrapping. */
    private int oldest;
    private int size;
    private volatile String[] published = NONE;

    void record(String frame, long tick) {
        record(frame, tick, false, false);
    }

    void record(String frame, long tick, boolean runnable, boolean nativeIo) {
        if (size == READS) {
            drop();
        }
        int slot = (oldest + size) % READS;
        frames[slot] = frame;
        ticks[slot] = tick;
        running[slot] = runnable;
        inIo[slot] = runnable && nativeIo;
        runningReads += runnable ? 1 : 0;
        ioReads += inIo[slot] ? 1 : 0;
        size++;
        Integer count = counts.get(frame);
        counts.put(frame, count == null ? 1 : count + 1);
        publish();
    }

    /** Drops the reads taken before {@code firstTick}; false when none is left. */
    boolean expire(long firstTick) {
        boolean dropped = false;
        while (size > 0 && ticks[oldest] < firstTick) {
            drop();
            dropped = true;
        }
        if (dropped) {
            publish();
        }
        return size > 0;
    }

    private void drop() {
        String frame = frames[oldest];
        int left = counts.get(frame) - 1;
        if (left == 0) {
            counts.remove(frame);
        } else {
            counts.put(frame, left);
        }
        frames[oldest] = null;
        runningReads -= running[oldest] ? 1 : 0;
        ioReads -= inIo[oldest] ? 1 : 0;
        oldest = (oldest + 1) % READS;
        size--;
    }

    private void publish() {
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
        Collections.sort(entries, new Comparator<Map.Entry<String, Integer>>() {
            @Override
            public int compare(Map.Entry<String, Integer> a, Map.Entry<String, Integer> b) {
                int byCount = Integer.compare(b.getValue(), a.getValue());
                return byCount != 0 ? byCount : a.getKey().compareTo(b.getKey());
            }
        });
        String[] top = new String[Math.min(SHOWN, entries.size())];
        for (int i = 0; i < top.length; i++) {
            Map.Entry<String, Integer> e = entries.get(i);
            top[i] = e.getKey() + " " + Math.round(100.0 * e.getValue() / size) + "%";
        }
        published = top;
        ioShareOfRunning = runningReads == 0 ? Double.NaN : (double) ioReads / runningReads;
    }

    /**
     * Of the reads that found the thread RUNNABLE, the share in a native I/O method; NaN without
     * such reads. Tells a thread that is runnable but off the CPU because it waits on a socket or
     * a file from one that waits for a core.
     */
    double ioShareOfRunning() {
        return ioShareOfRunning;
    }

    String[] top() {
        return published.clone();
    }

    /**
     * The frame a busy stack stands for: the topmost one of user code (not the JDK's, Flink's,
     * Scala's or ours); else the topmost of Flink's (where it waits, e.g. an async I/O operator's
     * queue); else the top frame.
     */
    static String frameOf(StackTraceElement[] stack) {
        StackTraceElement flink = null;
        for (StackTraceElement frame : stack) {
            String name = frame.getClassName();
            if (isJdk(name) || name.startsWith("dev.chokepoint.agent.") || name.startsWith("dev.chokepoint.bootstrap.")) {
                continue;
            }
            if (isFramework(name)) {
                flink = flink == null ? frame : flink;
                continue;
            }
            return name + "." + frame.getMethodName();
        }
        StackTraceElement shown = flink != null ? flink : stack.length > 0 ? stack[0] : null;
        return shown == null ? "?" : shown.getClassName() + "." + shown.getMethodName();
    }

    /** True when the top frame is a native method of the JDK's socket or file I/O. */
    static boolean inNativeIo(StackTraceElement[] stack) {
        if (stack.length == 0 || !stack[0].isNativeMethod()) {
            return false;
        }
        String name = stack[0].getClassName();
        return name.startsWith("sun.nio.ch.") || name.startsWith("java.net.") || name.startsWith("java.io.")
                || name.startsWith("sun.nio.fs.") || name.startsWith("jdk.internal.net.")
                || name.startsWith("sun.net.");
    }

    private static boolean isJdk(String name) {
        return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
                || name.startsWith("sun.") || name.startsWith("com.sun.");
    }

    private static boolean isFramework(String name) {
        return name.startsWith("org.apache.flink.") || name.startsWith("scala.") || name.startsWith("akka.")
                || name.startsWith("org.apache.pekko.");
    }
}

package dev.chokepoint.cli.report;

import java.util.Locale;

/**
 * The seed article's two tables ("Flink Network Stack Vol. 2") read for one pair of consecutive
 * vertices: the upstream vertex's {@code outPoolUsage} against the downstream vertex's
 * {@code inPoolUsage}/{@code outPoolUsage} (table 1) and {@code floatingBuffersUsage} ×
 * {@code exclusiveBuffersUsage} (table 2, Flink 1.9+). A usage is high from {@link #HIGH} on
 * (the article speaks of "100%" and "around 100%").
 */
public final class PoolReading {

    /** Pool usage from which a pool counts as "high" in the article's tables. */
    public static final double HIGH = 0.8;

    public enum Verdict {
        FINE("fine"),
        SLOW_RECEIVER("slow receiver"),
        NETWORK_BOTTLENECK("potential network bottleneck"),
        SOME_CHANNELS("slow receiver, backpressure on only some input channels"),
        MOST_OR_ALL_CHANNELS("slow receiver, backpressure on most or all input channels"),
        FORWARDING("backpressured by its own downstream, forwarding it upstream"),
        MAY_CAUSE("may eventually cause backpressure"),
        TEMPORARY("receiver backpressured, temporary: its upstream is not (yet or any more)"),
        INPUTS_LOCAL("input usages all 0 (local channels only): the pools cannot tell, the samples do"),
        UNKNOWN("no pool usages");

        public final String text;

        Verdict(String text) {
            this.text = text;
        }
    }

    public final JobGraph.Edge edge;
    public final double upstreamOut;
    public final double in;
    public final double out;
    public final double floating;
    public final double exclusive;
    /** Table 1's cell, as the article words it. */
    public final String table1;
    /** Table 2's cell, as the article words it. */
    public final String table2;
    public final Verdict verdict;

    private PoolReading(JobGraph.Edge edge, double upstreamOut, double in, double out, double floating,
                        double exclusive, String table1, String table2, Verdict verdict) {
        this.edge = edge;
        this.upstreamOut = upstreamOut;
        this.in = in;
        this.out = out;
        this.floating = floating;
        this.exclusive = exclusive;
        this.table1 = table1;
        this.table2 = table2;
        this.verdict = verdict;
    }

    public static PoolReading of(JobGraph.Edge edge) {
        Vertex up = edge.upstream;
        Vertex down = edge.downstream;
        double upstreamOut = up.max(t -> t.outPoolUsage);
        double in = down.max(t -> t.inPoolUsage);
        double out = down.max(t -> t.outPoolUsage);
        double floating = down.max(t -> t.floatingBuffersUsage);
        double exclusive = down.max(t -> t.exclusiveBuffersUsage);
        if (Double.isNaN(upstreamOut) && Double.isNaN(in)) {
            return new PoolReading(edge, upstreamOut, in, out, floating, exclusive, "-", "-", Verdict.UNKNOWN);
        }
        boolean upHigh = high(upstreamOut);
        boolean inHigh = high(in);
        boolean outHigh = high(out); // NaN (a sink: no outputs) is low
        boolean floatingHigh = high(floating);
        boolean exclusiveHigh = high(exclusive);

        String table1;
        if (!inHigh && !outHigh) {
            table1 = "inPool low, outPool low: fine";
        } else if (!inHigh) {
            table1 = "inPool low, outPool high: backpressured, temporary (upstream not backpressured yet or any more)";
        } else if (outHigh) {
            table1 = "inPool high, outPool high: backpressured by downstream task(s) or network, probably forwarding backpressure upstream";
        } else if (upHigh) {
            table1 = "inPool high, outPool low, an upstream outPool high: may exercise backpressure upstream and may be the source of it";
        } else {
            table1 = "inPool high, outPool low, all upstream outPool low: may eventually cause backpressure";
        }

        String table2;
        if (!floatingHigh && exclusiveHigh) {
            table2 = "floating low, exclusive high: should not happen";
        } else if (!floatingHigh) {
            table2 = upHigh ? "floating low + an upstream outPool high: potential network bottleneck"
                    : "floating low + all upstream outPool low: fine";
        } else if (upHigh) {
            table2 = exclusiveHigh ? "floating high + an upstream outPool high, exclusive high: backpressure on most or all input channels"
                    : "floating high + an upstream outPool high, exclusive low: backpressure on only some input channels";
        } else {
            table2 = exclusiveHigh ? "floating high + all upstream outPool low, exclusive high: backpressure eventually on most or all input channels"
                    : "floating high + all upstream outPool low, exclusive low: backpressure eventually on only some input channels";
        }

        Verdict verdict;
        boolean inputsSilent = zero(in) && zero(floating) && zero(exclusive);
        if (!upHigh) {
            if (inHigh || floatingHigh) {
                verdict = Verdict.MAY_CAUSE;
            } else {
                verdict = outHigh ? Verdict.TEMPORARY : Verdict.FINE;
            }
        } else if (outHigh) {
            verdict = Verdict.FORWARDING;
        } else if (floatingHigh) {
            verdict = exclusiveHigh ? Verdict.MOST_OR_ALL_CHANNELS : Verdict.SOME_CHANNELS;
        } else if (inHigh) {
            verdict = Verdict.SLOW_RECEIVER;
        } else if (inputsSilent) {
            // Flink's input gauges count remote channels only: with one TaskManager they stay 0, and the
            // article's "receiver inPool low + upstream outPool high" cannot tell a slow receiver from the network.
            verdict = Verdict.INPUTS_LOCAL;
        } else {
            verdict = Verdict.NETWORK_BOTTLENECK;
        }
        return new PoolReading(edge, upstreamOut, in, out, floating, exclusive, table1, table2, verdict);
    }

    /** Whether the pools say the receiver is slow: upstream out high, its own inputs full, its outputs not. */
    public boolean receiverSlow() {
        return verdict == Verdict.SLOW_RECEIVER || verdict == Verdict.SOME_CHANNELS
                || verdict == Verdict.MOST_OR_ALL_CHANNELS;
    }

    public String usages() {
        return String.format(Locale.ROOT, "%s outPool %s; %s inPool %s, floating %s, exclusive %s, outPool %s",
                edge.upstream.name, pct(upstreamOut), edge.downstream.name, pct(in), pct(floating), pct(exclusive),
                pct(out));
    }

    static boolean high(double usage) {
        return !Double.isNaN(usage) && usage >= HIGH;
    }

    private static boolean zero(double usage) {
        return !Double.isNaN(usage) && usage == 0;
    }

    static String pct(double usage) {
        return Double.isNaN(usage) ? "-" : String.format(Locale.ROOT, "%.0f%%", usage * 100);
    }
}

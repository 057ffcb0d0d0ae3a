package dev.chokepoint.cli.report;

/**
 * A backpressure ratio over time as one line of characters, oldest first: eight Unicode block
 * heights, or, where the terminal may not show them (NO_COLOR, a charset other than UTF-8), eight
 * ASCII characters of rising weight. A point with no reading (the history not yet that long, the
 * agent absent) is a space. When there are more points than columns, each column shows the highest
 * ratio of its points: a short burst of backpressure must not average away.
 */
public final class Sparkline {

    private static final String BLOCKS = "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588";
    private static final String ASCII = "_.-:=+*#";

    private final String heights;

    private Sparkline(String heights) {
        this.heights = heights;
    }

    public static Sparkline unicode() {
        return new Sparkline(BLOCKS);
    }

    public static Sparkline ascii() {
        return new Sparkline(ASCII);
    }

    /** {@code ratios}: 0 to 1, NaN for no reading; at most {@code width} characters. */
    public String render(double[] ratios, int width) {
        if (ratios.length == 0 || width <= 0) {
            return "";
        }
        int columns = Math.min(width, ratios.length);
        StringBuilder line = new StringBuilder(columns);
        for (int column = 0; column < columns; column++) {
            int from = (int) ((long) column * ratios.length / columns);
            int to = (int) ((long) (column + 1) * ratios.length / columns);
            double highest = Double.NaN;
            for (int i = from; i < to; i++) {
                if (!Double.isNaN(ratios[i]) && (Double.isNaN(highest) || ratios[i] > highest)) {
                    highest = ratios[i];
                }
            }
            line.append(Double.isNaN(highest) ? ' ' : heights.charAt(height(highest)));
        }
        return line.toString();
    }

    private int height(double ratio) {
        double clamped = Math.max(0, Math.min(1, ratio));
        return Math.min(heights.length() - 1, (int) (clamped * heights.length()));
    }
}

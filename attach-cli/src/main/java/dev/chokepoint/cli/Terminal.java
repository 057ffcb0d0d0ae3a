package dev.chokepoint.cli;

import dev.chokepoint.cli.report.Sparkline;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether stdout is a terminal that should get colors and in-place redraws. */
final class Terminal {

    private Terminal() {
    }

    static boolean stdoutIsTerminal() {
        Console console = System.console();
        if (console == null || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        // From JDK 22 System.console() exists even when redirected; Console.isTerminal() tells.
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /**
     * Unicode block sparklines where the output is UTF-8 and NO_COLOR is not set; else ASCII, which a
     * plain terminal, a log file or a non-UTF-8 console all show.
     */
    static Sparkline sparkline() {
        String noColor = System.getenv("NO_COLOR");
        String encoding = System.getProperty("stdout.encoding", java.nio.charset.Charset.defaultCharset().name());
        boolean utf8 = encoding.replace("-", "").equalsIgnoreCase("UTF8");
        return utf8 && (noColor == null || noColor.isEmpty()) ? Sparkline.unicode() : Sparkline.ascii();
    }

    /** Colors on a terminal, unless NO_COLOR is set (https://no-color.org). */
    static boolean color(boolean terminal) {
        String noColor = System.getenv("NO_COLOR");
        return terminal && (noColor == null || noColor.isEmpty());
    }
}

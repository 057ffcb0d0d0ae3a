package dev.chokepoint.cli;

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

    /** Colors on a terminal, unless NO_COLOR is set (https://no-color.org). */
    static boolean color(boolean terminal) {
        String noColor = System.getenv("NO_COLOR");
        return terminal && (noColor == null || noColor.isEmpty());
    }
}

package dev.chokepoint.agent.log;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's only output: single lines on the host's stderr, prefixed so that they stand out in a
 * TaskManager log. No logging framework, so that nothing of ours meets the host's logging setup.
 * Never throws: a host may have replaced {@code System.err} with a stream that does, and a line we
 * cannot write must not end the sampler or reach the host's code.
 */
public final class AgentLog {

    private static final String PREFIX = "[chokepoint] ";
    private static final Set<String> ONCE = ConcurrentHashMap.newKeySet();

    private AgentLog() {
    }

    public static void info(String message) {
        print(PREFIX + message);
    }

    public static void error(String message) {
        print(PREFIX + "ERROR " + message);
    }

    private static void print(String line) {
        try {
            System.err.println(line);
        } catch (Throwable ignored) {
            // the host's stderr refused the line; the counters still tell
        }
    }

    /** Logs an error only the first time its kind is seen, so that a recurring fault cannot flood the host's log. */
    public static boolean errorOnce(String kind, String message) {
        if (ONCE.add(kind)) {
            error(message);
            return true;
        }
        return false;
    }
}

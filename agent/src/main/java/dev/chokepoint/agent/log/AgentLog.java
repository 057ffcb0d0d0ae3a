package dev.chokepoint.agent.log;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's only output: single lines on the host's stderr, prefixed so that they stand out in a
 * TaskManager log. No logging framework, so that nothing of ours meets the host's logging setup.
 */
public final class AgentLog {

    private static final String PREFIX = "[chokepoint] ";
    private static final Set<String> ONCE = ConcurrentHashMap.newKeySet();

    private AgentLog() {
    }

    public static void info(String message) {
        System.err.println(PREFIX + message);
    }

    public static void error(String message) {
        System.err.println(PREFIX + "ERROR " + message);
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

package dev.chokepoint.bootstrap;

/**
 * The only class that code inlined into Flink's classes calls. It is injected into the bootstrap
 * class loader, so that it resolves from any class loader Flink runs in, and it depends on nothing
 * but the JDK: the agent installs a {@link Handler}, and without one every call is a no-op.
 */
public final class ChokepointBridge {

    /** What the agent does when a blocking buffer request starts and ends. Must never throw. */
    public interface Handler {
        /** Returns the request's start time (non-zero), or 0 when it is not measured. */
        long requestStarted();

        void requestEnded(long startedNanos);
    }

    private static volatile Handler handler;

    private ChokepointBridge() {
    }

    public static void install(Handler newHandler) {
        handler = newHandler;
    }

    public static long requestStarted() {
        Handler h = handler;
        return h == null ? 0L : h.requestStarted();
    }

    public static void requestEnded(long startedNanos) {
        if (startedNanos != 0L) {
            Handler h = handler;
            if (h != null) {
                h.requestEnded(startedNanos);
            }
        }
    }
}

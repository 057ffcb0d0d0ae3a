package dev.chokepoint.cli.jmx;

/** Attaching to, or talking to, a local JVM failed; the message is meant for the user as is. */
public final class AttachFailure extends Exception {
    private static final long serialVersionUID = 1L;

    public AttachFailure(String message, Throwable cause) {
        super(message, cause);
    }
}

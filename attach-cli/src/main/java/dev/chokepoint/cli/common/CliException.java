package dev.chokepoint.cli.common;

/** A failure the user can act on: one line saying what happened, one saying what to do. Exit code 1. */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String hint;

    public CliException(String message, String hint) {
        super(message, null, false, false);
        this.hint = hint;
    }

    public CliException(String message, String hint, Throwable cause) {
        super(message, cause, false, false);
        this.hint = hint;
    }

    /** May be null. */
    public String hint() {
        return hint;
    }
}

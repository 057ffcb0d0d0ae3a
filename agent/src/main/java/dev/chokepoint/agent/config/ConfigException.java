package dev.chokepoint.agent.config;

/** A setting the agent cannot accept; the message names the key and the accepted form. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}

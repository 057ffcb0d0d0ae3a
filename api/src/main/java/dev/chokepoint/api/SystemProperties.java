package dev.chokepoint.api;

/** System properties of the host JVM that the agent reads or sets. */
public final class SystemProperties {

    /**
     * Set by a running agent to its version, so that tools that list JVMs (and the tests) see it
     * from the JVM's properties, without JMX. Outside the {@link #SETTING_PREFIX} namespace, which
     * holds settings.
     */
    public static final String AGENT_VERSION = "dev.chokepoint.agent.version";

    /** {@code -Dchokepoint.<key>=value}: a setting of {@link Settings#KEYS}. */
    public static final String SETTING_PREFIX = "chokepoint.";

    private SystemProperties() {
    }
}

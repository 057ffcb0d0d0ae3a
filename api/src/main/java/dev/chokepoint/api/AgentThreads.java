package dev.chokepoint.api;

/** Threads the agent starts in its host, by name: what a thread dump shows and the tests look for. */
public final class AgentThreads {

    /** The one thread the agent runs: sampling, MBean (un)registration. Gone after a detach. */
    public static final String SAMPLER = "chokepoint-sampler";

    /**
     * A daemon thread per private JMX connector ({@link PrivateConnector}), while a CLI command is
     * connected: stops the connector when the connection ends. Gone after the command.
     */
    public static final String CONNECTOR = "chokepoint-connector";

    private AgentThreads() {
    }
}

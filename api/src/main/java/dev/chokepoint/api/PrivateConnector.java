package dev.chokepoint.api;

/**
 * The private JMX connector the agent opens for one CLI command, when the JVM has no JMX connector
 * of its own to reuse: the CLI loads the agent with {@code serve=<file>}; the agent starts a JMX
 * RMI connector server on the loopback address (ephemeral port, no RMI registry) that accepts one
 * connection with a random one-time password, and writes {@code address} and {@code password}
 * as a properties file at {@code <file>} (owner-only permissions, in a directory the CLI created
 * for the CLI's user alone). The agent closes the connector, and its listening socket, when that
 * connection closes, when none was opened within {@link #IDLE_SECONDS}, or on detach.
 */
public final class PrivateConnector {

    /**
     * Agent option {@code serve=<absolute path of the file to write>}. An agent argument of only
     * this option changes no setting of a running agent.
     */
    public static final String SERVE_OPTION = "serve";

    /** Key in the file: the connector's {@code service:jmx:rmi://127.0.0.1/stub/...} address. */
    public static final String ADDRESS = "address";

    /** Key in the file: the one-time password, given as the JMX credentials {user, password}. */
    public static final String PASSWORD = "password";

    /** The JMX user name that goes with the password. */
    public static final String USER = "chokepoint";

    /** The agent closes the connector when no connection has been open for this long. */
    public static final int IDLE_SECONDS = 60;

    private PrivateConnector() {
    }
}

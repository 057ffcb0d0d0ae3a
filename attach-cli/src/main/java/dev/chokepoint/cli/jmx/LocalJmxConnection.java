package dev.chokepoint.cli.jmx;

import dev.chokepoint.api.PrivateConnector;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A JMX connection to a local JVM's platform MBeans: through a JMX connector the JVM already runs
 * (e.g. the JDK's local management agent, started by jconsole), or through the private, one-time
 * connector the Chokepoint agent opens for this command on the loopback address
 * ({@link PrivateConnectorFile}), which closes when this connection does.
 */
public final class LocalJmxConnection implements AutoCloseable {

    /** How often the client checks the connection: more often than the agent's idle timeout for a silent client. */
    private static final long CHECK_PERIOD_MILLIS = 15_000;

    private final JMXConnector connector;
    private final MBeanServerConnection mbeans;
    /** Closes the private connection when the CLI is stopped (Ctrl-C on status --watch), so the agent closes its connector. */
    private final Thread closeOnExit;

    private LocalJmxConnection(JMXConnector connector, boolean closeOnExit) throws IOException {
        this.connector = connector;
        this.mbeans = connector.getMBeanServerConnection();
        this.closeOnExit = closeOnExit ? new Thread(this::closeConnector, "chokepoint-close-jmx") : null;
        if (this.closeOnExit != null) {
            Runtime.getRuntime().addShutdownHook(this.closeOnExit);
        }
    }

    /** Connects to a connector the JVM already runs, at {@code address}, without credentials. */
    public static LocalJmxConnection connect(long pid, String address) throws AttachFailure {
        try {
            return new LocalJmxConnection(JMXConnectorFactory.connect(new JMXServiceURL(address)), false);
        } catch (IOException | RuntimeException e) {
            throw new AttachFailure("could not connect to the local JMX connector of JVM " + pid + " at " + address
                    + ": " + e.getMessage(), e);
        }
    }

    /** Connects to the agent's private connector: loopback only, with its one-time password. */
    static LocalJmxConnection connectPrivate(long pid, String address, String password) throws AttachFailure {
        try {
            LoopbackRmiSockets.install();
            Map<String, Object> env = new HashMap<>();
            env.put(JMXConnector.CREDENTIALS, new String[] {PrivateConnector.USER, password});
            env.put("jmx.remote.x.client.connection.check.period", CHECK_PERIOD_MILLIS);
            return new LocalJmxConnection(JMXConnectorFactory.connect(new JMXServiceURL(address), env), true);
        } catch (IOException | RuntimeException e) {
            throw new AttachFailure("could not connect to the Chokepoint agent's JMX connector in JVM " + pid + ": "
                    + e.getMessage(), e);
        }
    }

    public MBeanServerConnection mbeans() {
        return mbeans;
    }

    @Override
    public void close() {
        if (closeOnExit != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(closeOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook closes it
            }
        }
        closeConnector();
    }

    private void closeConnector() {
        try {
            connector.close();
        } catch (IOException ignored) {
            // The target may already be gone; nothing left to release on our side.
        }
    }
}

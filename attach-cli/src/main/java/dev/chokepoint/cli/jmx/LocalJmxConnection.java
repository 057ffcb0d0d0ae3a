package dev.chokepoint.cli.jmx;

import com.sun.tools.attach.VirtualMachine;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;

/**
 * A JMX connection to a local JVM through the attach API's local management agent. It opens no
 * network port: {@code startLocalManagementAgent} binds the connector to the loopback address and
 * only the target's OS user can attach in the first place.
 */
public final class LocalJmxConnection implements AutoCloseable {

    private final JMXConnector connector;
    private final MBeanServerConnection mbeans;

    private LocalJmxConnection(JMXConnector connector) throws IOException {
        this.connector = connector;
        this.mbeans = connector.getMBeanServerConnection();
    }

    /** Opens the connection through an attach session the caller holds (and detaches). */
    public static LocalJmxConnection connectTo(long pid, VirtualMachine vm) throws AttachFailure {
        String address;
        try {
            address = vm.startLocalManagementAgent();
        } catch (IOException e) {
            throw new AttachFailure("could not start the local JMX connector in JVM " + pid + ": " + e.getMessage(), e);
        }
        try {
            return new LocalJmxConnection(JMXConnectorFactory.connect(new JMXServiceURL(address)));
        } catch (IOException e) {
            throw new AttachFailure("could not connect to the local JMX connector of JVM " + pid + " at " + address
                    + ": " + e.getMessage(), e);
        }
    }

    public MBeanServerConnection mbeans() {
        return mbeans;
    }

    @Override
    public void close() {
        try {
            connector.close();
        } catch (IOException ignored) {
            // The target may already be gone; nothing left to release on our side.
        }
    }
}

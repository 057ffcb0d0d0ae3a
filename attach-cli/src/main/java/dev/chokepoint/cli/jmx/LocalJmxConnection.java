package dev.chokepoint.cli.jmx;

import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
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

    private final long pid;
    private final JMXConnector connector;
    private final MBeanServerConnection mbeans;

    private LocalJmxConnection(long pid, JMXConnector connector) throws IOException {
        this.pid = pid;
        this.connector = connector;
        this.mbeans = connector.getMBeanServerConnection();
    }

    public static LocalJmxConnection connect(long pid) throws AttachFailure {
        String address;
        VirtualMachine vm = attach(pid);
        try {
            address = vm.startLocalManagementAgent();
        } catch (IOException e) {
            throw new AttachFailure("could not start the local JMX connector in JVM " + pid + ": " + e.getMessage(), e);
        } finally {
            detachQuietly(vm);
        }
        try {
            return new LocalJmxConnection(pid, JMXConnectorFactory.connect(new JMXServiceURL(address)));
        } catch (IOException e) {
            throw new AttachFailure("could not connect to the local JMX connector of JVM " + pid + " at " + address
                    + ": " + e.getMessage(), e);
        }
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
            return new LocalJmxConnection(pid, JMXConnectorFactory.connect(new JMXServiceURL(address)));
        } catch (IOException e) {
            throw new AttachFailure("could not connect to the local JMX connector of JVM " + pid + " at " + address
                    + ": " + e.getMessage(), e);
        }
    }

    /** Loads the agent jar into the target JVM; a JVM that already runs Chokepoint is reconfigured. */
    public static void loadAgent(long pid, String agentJar, String options) throws AttachFailure {
        VirtualMachine vm = attach(pid);
        try {
            vm.loadAgent(agentJar, options);
        } catch (AgentLoadException e) {
            throw new AttachFailure("JVM " + pid + " refused to load " + agentJar + ": " + e.getMessage(), e);
        } catch (com.sun.tools.attach.AgentInitializationException e) {
            throw new AttachFailure("the agent failed to start in JVM " + pid + " (return code "
                    + e.returnValue() + "): see the target's stderr", e);
        } catch (IOException e) {
            throw new AttachFailure("lost the attach connection to JVM " + pid + " while loading the agent: "
                    + e.getMessage(), e);
        } finally {
            detachQuietly(vm);
        }
    }

    public long pid() {
        return pid;
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

    private static VirtualMachine attach(long pid) throws AttachFailure {
        try {
            return VirtualMachine.attach(Long.toString(pid));
        } catch (AttachNotSupportedException e) {
            throw new AttachFailure("cannot attach to JVM " + pid + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new AttachFailure("cannot attach to JVM " + pid + ": " + e.getMessage(), e);
        }
    }

    private static void detachQuietly(VirtualMachine vm) {
        try {
            vm.detach();
        } catch (IOException ignored) {
            // Detaching only closes our side of the attach socket.
        }
    }
}

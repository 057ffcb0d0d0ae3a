package dev.chokepoint.cli.testing;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import dev.chokepoint.cli.jmx.AttachFailure;
import dev.chokepoint.cli.jmx.LocalJmxConnection;

import java.io.IOException;

/**
 * The tests' raw access to a child JVM through the attach API, without the CLI's checks and
 * messages ({@code dev.chokepoint.cli.attach.Attacher}): open a JMX connection to it, or load the
 * agent jar into it.
 */
public final class LocalJvm {

    private LocalJvm() {
    }

    /**
     * A JMX connection to JVM {@code pid}'s platform MBean server, through the JDK's local
     * management agent, which this starts in the JVM (as jconsole does; the CLI never does, see
     * {@code NothingLeftOpenIT}): it listens on an ephemeral port for the rest of the JVM's life.
     */
    public static LocalJmxConnection connect(long pid) throws AttachFailure {
        VirtualMachine vm = attach(pid);
        try {
            String address;
            try {
                address = vm.startLocalManagementAgent();
            } catch (IOException e) {
                throw new AttachFailure("could not start the local JMX connector in JVM " + pid + ": " + e.getMessage(), e);
            }
            return LocalJmxConnection.connect(pid, address);
        } finally {
            detachQuietly(vm);
        }
    }

    /** Loads the agent jar into JVM {@code pid}; a JVM that already runs Chokepoint is reconfigured. */
    public static void loadAgent(long pid, String agentJar, String options) throws AttachFailure {
        VirtualMachine vm = attach(pid);
        try {
            vm.loadAgent(agentJar, options);
        } catch (AgentLoadException e) {
            throw new AttachFailure("JVM " + pid + " refused to load " + agentJar + ": " + e.getMessage(), e);
        } catch (AgentInitializationException e) {
            throw new AttachFailure("the agent failed to start in JVM " + pid + " (return code "
                    + e.returnValue() + "): see the target's stderr", e);
        } catch (IOException e) {
            throw new AttachFailure("lost the attach connection to JVM " + pid + " while loading the agent: "
                    + e.getMessage(), e);
        } finally {
            detachQuietly(vm);
        }
    }

    private static VirtualMachine attach(long pid) throws AttachFailure {
        try {
            return VirtualMachine.attach(Long.toString(pid));
        } catch (AttachNotSupportedException | IOException e) {
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

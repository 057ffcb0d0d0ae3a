package dev.chokepoint.agent.export;

import dev.chokepoint.agent.log.AgentLog;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

/**
 * Registers the agent's MBeans on the platform MBean server. The server is asked for only on
 * first use, from the sampler thread, never in {@code premain}: touching JMX that early can break
 * hosts that install their own MBean server builder or log manager later in start-up.
 */
public final class MBeanExporter {

    private MBeanServer server;

    /**
     * Registers {@code mbean}, replacing a stale one of the same name (e.g. left by an earlier agent
     * copy); null when it is registered, else what refused it (logged once per kind).
     */
    public Throwable register(ObjectName name, Object mbean) {
        try {
            MBeanServer s = server();
            try {
                s.registerMBean(mbean, name);
            } catch (InstanceAlreadyExistsException e) {
                s.unregisterMBean(name);
                s.registerMBean(mbean, name);
            }
            return null;
        } catch (Exception | LinkageError e) {
            AgentLog.errorOnce("register:" + e.getClass().getName(),
                    "cannot register MBean " + name + ": " + e + " (reported once)");
            return e;
        }
    }

    /**
     * Unregisters {@code mbean} from {@code name} if it is still registered there: an
     * {@link ExportedMBean} that has been unregistered or replaced meanwhile (e.g. by an agent
     * attached after this one) is not, and whatever holds the name now stays.
     */
    public void unregister(ObjectName name, Object mbean) {
        if (mbean instanceof ExportedMBean && !((ExportedMBean) mbean).registered()) {
            return; // not ours any more
        }
        unregister(name);
    }

    private void unregister(ObjectName name) {
        try {
            server().unregisterMBean(name);
        } catch (InstanceNotFoundException ignored) {
            // already gone: that is what we wanted
        } catch (Exception | LinkageError e) {
            AgentLog.errorOnce("unregister:" + e.getClass().getName(),
                    "cannot unregister MBean " + name + ": " + e + " (reported once)");
        }
    }

    private MBeanServer server() {
        if (server == null) {
            server = ManagementFactory.getPlatformMBeanServer();
        }
        return server;
    }
}

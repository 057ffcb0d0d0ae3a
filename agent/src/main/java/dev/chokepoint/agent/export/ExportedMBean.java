package dev.chokepoint.agent.export;

import javax.management.MBeanRegistration;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * An MBean of ours that knows whether it is registered now: the server tells it (through
 * {@link MBeanRegistration}, which the MXBean machinery passes on to the implementation) when it
 * goes in and when it goes out, also when someone else unregisters or replaces it. So that an
 * agent unregisters only its own instances, never, by name, those that a later agent registered
 * under the same name (a detach whose sampler ended late).
 */
public abstract class ExportedMBean implements MBeanRegistration {

    private volatile boolean registered;

    /** True from its registration until it is unregistered, by whoever. */
    public final boolean registered() {
        return registered;
    }

    @Override
    public ObjectName preRegister(MBeanServer server, ObjectName name) {
        return name;
    }

    @Override
    public void postRegister(Boolean registrationDone) {
        registered = Boolean.TRUE.equals(registrationDone);
    }

    @Override
    public void preDeregister() {
        // nothing to release
    }

    @Override
    public void postDeregister() {
        registered = false;
    }
}

package dev.chokepoint.cli.testing;

import javax.management.MBeanServer;
import javax.management.MBeanServerBuilder;
import javax.management.MBeanServerDelegate;
import javax.management.ObjectName;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * A host's MBean server that refuses MBeans in Chokepoint's domain, as a host with its own JMX access
 * rules may: {@code -Djavax.management.builder.initial=}{@value #NAME}. Everything else it serves as
 * the JDK's does, so the attach API's JMX connector still works.
 */
public final class RefusingMBeanServerBuilder extends MBeanServerBuilder {

    public static final String NAME = "dev.chokepoint.cli.testing.RefusingMBeanServerBuilder";
    public static final String REFUSAL = "this host refuses MBeans in domain chokepoint";

    @Override
    public MBeanServer newMBeanServer(String defaultDomain, MBeanServer outer, MBeanServerDelegate delegate) {
        MBeanServer real = super.newMBeanServer(defaultDomain, outer, delegate);
        return (MBeanServer) Proxy.newProxyInstance(RefusingMBeanServerBuilder.class.getClassLoader(),
                new Class<?>[] {MBeanServer.class}, (proxy, method, args) -> {
                    if (method.getName().equals("registerMBean") && args[1] instanceof ObjectName
                            && "chokepoint".equals(((ObjectName) args[1]).getDomain())) {
                        throw new SecurityException(REFUSAL);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}

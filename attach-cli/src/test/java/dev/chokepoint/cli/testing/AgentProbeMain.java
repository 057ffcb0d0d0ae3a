package dev.chokepoint.cli.testing;

import dev.chokepoint.api.AgentThreads;
import dev.chokepoint.api.ObjectNames;
import dev.chokepoint.api.SystemProperties;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

/**
 * A host JVM's main that reports, from inside, whether the Chokepoint agent runs in it, then exits
 * 0. Prints on stdout:
 * <pre>
 * HOST MAIN RAN
 * sampler=true|false      a thread named {@link AgentThreads#SAMPLER} exists
 * mbean=true|false        {@link ObjectNames#AGENT} is registered in the platform MBean server
 * property=true|false     the system property {@link SystemProperties#AGENT_VERSION} is set
 * </pre>
 * The agent starts its sampler thread inside {@code premain}, before this main runs, so the thread
 * check needs no waiting; the sampler registers the MBean on its own thread, so when the thread
 * exists this main waits (up to 10 s) for the MBean, which keeps the positive control exact.
 */
public final class AgentProbeMain {

    public static final String MARKER = "HOST MAIN RAN";

    private AgentProbeMain() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println(MARKER);
        ObjectName agent = ObjectNames.AGENT;
        boolean sampler = samplerThreadExists();
        boolean mbean = ManagementFactory.getPlatformMBeanServer().isRegistered(agent);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (sampler && !mbean && System.nanoTime() < deadline) {
            Thread.sleep(5);
            mbean = ManagementFactory.getPlatformMBeanServer().isRegistered(agent);
        }
        System.out.println("sampler=" + sampler);
        System.out.println("mbean=" + mbean);
        System.out.println("property=" + (System.getProperty(SystemProperties.AGENT_VERSION) != null));
        System.out.flush();
    }

    private static boolean samplerThreadExists() {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (AgentThreads.SAMPLER.equals(thread.getName())) {
                return true;
            }
        }
        return false;
    }
}

package dev.chokepoint.agent;

import dev.chokepoint.agent.log.AgentLog;
import dev.chokepoint.api.AgentAttributes;
import dev.chokepoint.api.ObjectNames;

import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;

/**
 * Entry point for {@code -javaagent:chokepoint-agent.jar[=key=value,...]} and for dynamic attach.
 * Whatever happens here, the host keeps running: errors become one line on stderr and a disabled
 * agent, never an exception out of {@code premain}/{@code agentmain}.
 */
public final class ChokepointAgent {

    private ChokepointAgent() {
    }

    public static void premain(String arguments, Instrumentation instrumentation) {
        launch(arguments, "premain", instrumentation);
    }

    public static void agentmain(String arguments, Instrumentation instrumentation) {
        if (reconfigureOtherCopy(arguments)) {
            return;
        }
        launch(arguments, "attach", instrumentation);
    }

    private static void launch(String arguments, String how, Instrumentation instrumentation) {
        try {
            Chokepoint.startOrReconfigure(arguments, how, instrumentation);
        } catch (Throwable t) {
            AgentLog.error("agent disabled: unexpected failure while starting: " + t);
        }
    }

    /**
     * A copy of the agent loaded from another jar path lives in other classes than ours; if one is
     * running, hand the new settings to it through its MBean instead of starting a second sampler.
     */
    private static boolean reconfigureOtherCopy(String arguments) {
        try {
            if (Chokepoint.running()) {
                return false;
            }
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            if (!server.isRegistered(ObjectNames.AGENT)) {
                return false;
            }
            Object result = server.invoke(ObjectNames.AGENT, AgentAttributes.RECONFIGURE,
                    new Object[] {arguments == null ? "" : arguments}, new String[] {String.class.getName()});
            AgentLog.info("an agent is already running in this JVM; handed it the new settings: " + result);
            return true;
        } catch (Throwable t) {
            AgentLog.error("cannot reach the agent already running in this JVM: " + t);
            return true;
        }
    }
}

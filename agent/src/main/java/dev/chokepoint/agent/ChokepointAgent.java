package dev.chokepoint.agent;

import dev.chokepoint.agent.log.AgentLog;
import dev.chokepoint.agent.serve.PrivateJmxServer;
import dev.chokepoint.api.AgentAttributes;
import dev.chokepoint.api.ObjectNames;
import dev.chokepoint.api.PrivateConnector;

import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Entry point for {@code -javaagent:chokepoint-agent.jar[=key=value,...]} and for dynamic attach.
 * Whatever happens here, the host keeps running: errors become one line on stderr and a disabled
 * agent, never an exception out of {@code premain}/{@code agentmain}.
 */
public final class ChokepointAgent {

    /** {@code serve=<file>}, last in the argument: the CLI asks for a private JMX connector. */
    private static final Pattern SERVE = Pattern.compile("(?:^|,)\\s*" + PrivateConnector.SERVE_OPTION
            + "\\s*=([^,]*)$");

    private ChokepointAgent() {
    }

    public static void premain(String arguments, Instrumentation instrumentation) {
        launch(arguments, "premain", instrumentation);
    }

    public static void agentmain(String arguments, Instrumentation instrumentation) {
        String settings = arguments;
        String serve = null;
        try {
            Matcher request = SERVE.matcher(arguments == null ? "" : arguments.trim());
            if (request.find()) {
                serve = request.group(1).trim();
                settings = arguments.trim().substring(0, request.start());
            }
        } catch (Throwable t) {
            AgentLog.error("cannot read the agent argument: " + t);
            return;
        }
        // serve= alone is a CLI that only wants to read a running agent: its settings stay.
        boolean serveOnly = serve != null && settings.trim().isEmpty() && runningHere();
        if (!serveOnly && !reconfigureOtherCopy(settings)) {
            launch(settings, "attach", instrumentation);
        }
        if (serve != null) {
            PrivateJmxServer.serve(serve);
        }
    }

    /** Whether this copy of the agent, or another one, runs in this JVM. */
    private static boolean runningHere() {
        try {
            return Chokepoint.running() || ManagementFactory.getPlatformMBeanServer().isRegistered(ObjectNames.AGENT);
        } catch (Throwable t) {
            return false;
        }
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

package dev.chokepoint.bench.jmh;

import dev.chokepoint.api.AgentAttributes;
import dev.chokepoint.api.ObjectNames;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

/**
 * Run in each benchmark fork's setup, after one buffer request on the benchmark thread that had to
 * wait. In an agent fork ({@code -Dbench.expect.agent=true}) the agent's MBean must say that it
 * times the wait in {@code LocalBufferPool.requestMemorySegmentBlocking} and must count the benchmark
 * thread among its timed threads (so the rewritten wait ran on it); in a fork without the agent there
 * must be neither the MBean nor the bridge class. Anything else fails the benchmark.
 */
final class AgentCheck {

    static final String EXPECT_AGENT = "bench.expect.agent";
    static final String CHECK_FILE = "chokepoint.bench.check.file";
    static final String EXPECTED_METHOD = "LocalBufferPool.requestMemorySegmentBlocking: CompletableFuture.get()";

    private static final String BRIDGE = "dev.chokepoint.bootstrap.ChokepointBridge";

    private AgentCheck() {
    }

    static void verify() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName agent = ObjectNames.AGENT;
        String line;
        if (Boolean.getBoolean(EXPECT_AGENT)) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!server.isRegistered(agent) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if (!server.isRegistered(agent)) {
                throw new IllegalStateException("agent fork, but no " + agent + " MBean: is -javaagent there?");
            }
            String instrumentation = (String) server.getAttribute(agent, AgentAttributes.INSTRUMENTATION);
            int timedThreads = (Integer) server.getAttribute(agent, AgentAttributes.TIMED_THREADS);
            long errors = (Long) server.getAttribute(agent, AgentAttributes.INSTRUMENTATION_ERRORS);
            line = "agent fork: Version=" + server.getAttribute(agent, AgentAttributes.VERSION)
                    + ", Instrumentation='" + instrumentation + "', TimedThreads=" + timedThreads
                    + ", InstrumentationErrors=" + errors;
            if (!instrumentation.startsWith("timing ") || !instrumentation.contains(EXPECTED_METHOD)) {
                throw new IllegalStateException("the buffer-request wait is not instrumented: " + line);
            }
            if (timedThreads < 1 || errors != 0) {
                throw new IllegalStateException("the agent did not time the benchmark thread's wait: " + line);
            }
        } else {
            if (server.isRegistered(agent) || bridgeLoaded()) {
                throw new IllegalStateException("fork without the agent, but the agent is there");
            }
            line = "fork without agent: no chokepoint MBean, no bridge class";
        }
        System.out.println("[bench] " + line);
        String file = System.getProperty(CHECK_FILE);
        if (file != null && !file.isEmpty()) {
            append(file, line);
        }
    }

    private static boolean bridgeLoaded() {
        try {
            Class.forName(BRIDGE, false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static synchronized void append(String file, String line) throws IOException {
        Files.write(Paths.get(file), (line + System.lineSeparator()).getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}

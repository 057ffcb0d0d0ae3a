package dev.chokepoint.cli;

import dev.chokepoint.api.AgentThreads;
import dev.chokepoint.api.ObjectNames;
import dev.chokepoint.api.SystemProperties;
import dev.chokepoint.cli.jmx.LocalJmxConnection;
import dev.chokepoint.cli.testing.ForkPoolApp;
import dev.chokepoint.cli.testing.JavaProcess;
import dev.chokepoint.cli.testing.LocalJvm;
import dev.chokepoint.cli.testing.RefusingMBeanServerBuilder;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A start-up is all or nothing (issue 14): an attach that rewrites Flink's classes and then cannot
 * register the Agent MBean (the host's MBean server refuses Chokepoint's domain) would leave the
 * rewrite in with nothing to detach it. The agent must take itself out: the rewritten pool
 * ({@link ForkPoolApp}'s stand-in for hybrid shuffle's memory manager, whose waits the agent
 * rewrites to go through the bridge) runs its original code again, no sampler, no property.
 */
class StartUndoneTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void aStartThatFailsAfterTheRewriteUndoesIt() throws Exception {
        try (JavaProcess app = JavaProcess.builder(ForkPoolApp.class.getName())
                .jvmArgs("-Djavax.management.builder.initial=" + RefusingMBeanServerBuilder.NAME)
                .args("jmx").logName("StartUndone").start()) {
            app.awaitOutput(ForkPoolApp.READY, TIMEOUT);
            try (LocalJmxConnection jmx = LocalJvm.connect(app.pid())) {
                MBeanServerConnection mbeans = jmx.mbeans();
                ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(
                        mbeans, ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
                assertFalse(inBridge(threads), "not rewritten before the attach");

                LocalJvm.loadAgent(app.pid(), JavaProcess.agentJar().toString(), "samples=10,delay=10ms");
                app.awaitOutput("agent disabled", TIMEOUT);

                // the pool's requests run Flink's own code again: no bridge frame in a second of stack reads
                await().atMost(TIMEOUT).until(() -> {
                    for (int i = 0; i < 20; i++) {
                        if (inBridge(threads)) {
                            return false;
                        }
                        Thread.sleep(50);
                    }
                    return true;
                });
                await().atMost(TIMEOUT).until(() -> samplerThreads(threads) == 0);
                assertFalse(ManagementFactory.newPlatformMXBeanProxy(mbeans, ManagementFactory.RUNTIME_MXBEAN_NAME,
                        RuntimeMXBean.class).getSystemProperties().containsKey(SystemProperties.AGENT_VERSION));
                assertEquals(Set.of(), mbeans.queryNames(new ObjectName(ObjectNames.DOMAIN + ":*"), null));
            }
            List<String> lines = app.output().lines().filter(l -> l.contains("agent disabled")).collect(Collectors.toList());
            assertEquals(1, lines.size(), app.output());
            assertTrue(lines.get(0).startsWith("[chokepoint] ERROR agent disabled: cannot register chokepoint:type=Agent: "
                    + "java.lang.SecurityException: " + RefusingMBeanServerBuilder.REFUSAL
                    + "; the start was undone: Flink's original buffer-pool code is back"), app.output());
            assertTrue(app.isAlive());
        }
    }

    /** Whether the tiered pool's task thread is inside the bridge's stand-in for its wait. */
    private static boolean inBridge(ThreadMXBean threads) {
        return Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds(), 32)).filter(Objects::nonNull)
                .filter(info -> info.getThreadName().equals(ForkPoolApp.TIERED_TASK))
                .flatMap(info -> Arrays.stream(info.getStackTrace()))
                .anyMatch(frame -> frame.getClassName().equals("dev.chokepoint.bootstrap.ChokepointBridge"));
    }

    private static long samplerThreads(ThreadMXBean threads) {
        return Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds())).filter(Objects::nonNull)
                .map(ThreadInfo::getThreadName).filter(AgentThreads.SAMPLER::equals).count();
    }
}

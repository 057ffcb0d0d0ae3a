package dev.chokepoint.e2e;

import dev.chokepoint.api.AgentAttributes;
import dev.chokepoint.api.ObjectNames;
import dev.chokepoint.cli.jmx.ChokepointReader;
import dev.chokepoint.cli.jmx.LocalJmxConnection;
import dev.chokepoint.cli.testing.JavaProcess;
import dev.chokepoint.cli.testing.LocalJvm;
import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Churn (issue 7): {@value #DEFAULT_JOBS} short Flink 1.20 jobs one after another in one
 * MiniCluster ({@link ChurnJobs}) with the agent loaded. After each job, every one of its subtask
 * MBeans must go (the agent drops a subtask at the first tick none of its threads is alive). After
 * the last job, a class histogram ({@code jcmd GC.class_histogram}, which runs a full GC first)
 * must show no {@code Task}, no {@code LocalBufferPool} and no user-code class loader instance at
 * all, hence none held by the agent, no task thread may be alive, and the heap after a GC must be within 10 MB of what it was
 * after the first job. {@code -Dchokepoint.churn.jobs=N} changes the number of jobs.
 */
class Flink120ChurnTest {

    static final int DEFAULT_JOBS = 100;
    private static final long HEAP_SLACK_BYTES = 10L * 1024 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String TASK = "org.apache.flink.runtime.taskmanager.Task";
    private static final String LOCAL_BUFFER_POOL = "org.apache.flink.runtime.io.network.buffer.LocalBufferPool";

    @Test
    void shortJobsOneAfterAnotherLeaveNothingBehind() throws Exception {
        int jobs = Integer.getInteger("chokepoint.churn.jobs", DEFAULT_JOBS);
        try (JavaProcess child = JavaProcess.builder(ChurnJobs.class.getName()).jvmArgs("-Xmx512m")
                .javaagent("delay=10ms").logName("Flink120ChurnTest").start()) {
            child.awaitOutput(ChurnJobs.READY, TIMEOUT);
            try (LocalJmxConnection jmx = LocalJvm.connect(child.pid())) {
                ChokepointReader reader = new ChokepointReader(jmx.mbeans());
                MemoryMXBean memory = ManagementFactory.newPlatformMXBeanProxy(
                        jmx.mbeans(), ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
                ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(
                        jmx.mbeans(), ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
                long heapAfterFirst = 0;
                List<Long> heaps = new ArrayList<>();
                long start = System.nanoTime();
                for (int job = 1; job <= jobs; job++) {
                    send(child, ChurnJobs.NEXT);
                    child.awaitOutput(ChurnJobs.DONE + job + "\n", TIMEOUT);
                    int finished = job;
                    await().atMost(TIMEOUT).until(() -> jmx.mbeans().queryNames(ObjectNames.ALL_TASKS, null).isEmpty());
                    if (job == 1 || job % 25 == 0 || job == jobs) {
                        long heap = heapAfterGc(memory);
                        heaps.add(heap);
                        if (job == 1) {
                            heapAfterFirst = heap;
                        }
                    }
                    assertEquals(0L, reader.agentAttribute(AgentAttributes.SAMPLING_ERRORS).orElseThrow(), "after job " + finished);
                }
                long heapAfterLast = heapAfterGc(memory);
                String histogram = histogram(child.pid());
                long tasks = instances(histogram, TASK);
                long pools = instances(histogram, LOCAL_BUFFER_POOL);
                long loaders = histogram.lines().map(String::trim).map(l -> l.split("\\s+"))
                        .filter(f -> f.length >= 4 && f[3].startsWith("org.apache.flink.util.") && f[3].endsWith("ClassLoader")
                                && (f[3].contains("UserCodeClassLoader") || f[3].endsWith(".ChildFirstClassLoader")))
                        .mapToLong(f -> Long.parseLong(f[1])).sum();
                long agentBytes = histogram.lines().map(String::trim).map(l -> l.split("\\s+"))
                        .filter(f -> f.length >= 4 && f[3].startsWith("dev.chokepoint.agent."))
                        .mapToLong(f -> Long.parseLong(f[2])).sum();
                List<String> taskThreads = Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds()))
                        .filter(Objects::nonNull).map(ThreadInfo::getThreadName)
                        .filter(name -> name.matches(".* \\(\\d+/\\d+\\)(#\\d+)?$")).collect(Collectors.toList());
                String summary = jobs + " jobs in " + (System.nanoTime() - start) / 1_000_000_000 + " s; heap after GC (MB) at jobs 1, 25, 50, ...: "
                        + heaps.stream().map(h -> String.format("%.1f", h / 1048576.0)).collect(Collectors.toList())
                        + ", after the last " + String.format("%.1f", heapAfterLast / 1048576.0) + "; Task " + tasks
                        + ", LocalBufferPool " + pools + ", user-code class loaders " + loaders + "; the agent's own objects: "
                        + agentBytes + " bytes";
                System.out.println("Flink120ChurnTest: " + summary);

                assertEquals(0, tasks, summary);
                assertEquals(0, pools, summary);
                assertEquals(0, loaders, summary);
                assertEquals(List.of(), taskThreads, summary);
                assertEquals(Arrays.asList(ObjectNames.AGENT),
                        new ArrayList<>(jmx.mbeans().queryNames(new ObjectName(ObjectNames.DOMAIN + ":*"), null)), summary);
                assertTrue(heapAfterLast - heapAfterFirst <= HEAP_SLACK_BYTES, "heap grew by more than 10 MB: " + summary);
            }
            send(child, ChurnJobs.EXIT);
        }
    }

    private static long heapAfterGc(MemoryMXBean memory) {
        memory.gc();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static String histogram(long pid) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(JavaProcess.jdkTool("jcmd").toString(), Long.toString(pid), "GC.class_histogram")
                .redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, jcmd.waitFor(), output);
        return output;
    }

    /** Instances of exactly {@code className} in a class histogram ({@code num: #instances #bytes class name (module)}). */
    private static long instances(String histogram, String className) {
        return histogram.lines().map(String::trim).map(l -> l.split("\\s+"))
                .filter(f -> f.length >= 4 && f[3].equals(className))
                .mapToLong(f -> Long.parseLong(f[1])).sum();
    }

    private static void send(JavaProcess child, String command) throws IOException {
        OutputStream stdin = child.process().getOutputStream();
        stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }
}

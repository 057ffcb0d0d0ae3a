package dev.chokepoint.e2e;

import dev.chokepoint.api.ObjectNames;
import dev.chokepoint.api.Settings;
import dev.chokepoint.api.StatusJson;
import dev.chokepoint.api.TaskAttributes;
import dev.chokepoint.cli.jmx.AgentSettings;
import dev.chokepoint.cli.jmx.ChokepointReader;
import dev.chokepoint.cli.jmx.LocalJmxConnection;
import dev.chokepoint.cli.jmx.TaskSnapshot;
import dev.chokepoint.cli.report.Snapshot;
import dev.chokepoint.cli.rest.JsonTree;
import dev.chokepoint.cli.testing.JavaProcess;
import dev.chokepoint.cli.testing.LocalJvm;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A shared session TaskManager (issue 14): three jobs with the same vertex names in one
 * TaskManager ({@link SharedJobs}), A and B also of one job name; each a fan-out Parse ->
 * {alpha, zulu}. A's Parse is backpressured by zulu, C's by alpha, B's idle, by construction. The
 * agent must show six Parse subtasks, not two: A's and C's HIGH and B's OK in every reading, each
 * with its own job's pools: {@code outPoolUsage} within 0.2 of Flink's own of that job's subtask
 * (its JMX reporter, same JVM, read right after), at least 0.4 where HIGH; each MBean
 * named with its job. The CLI's diagnosis, per job, must name zulu as A's only origin, alpha as
 * C's, none for B, in every reading and in the real CLI's {@code status --json}. B's fetcher-named
 * helper threads (alive, checked) must not be subtasks. After A is cancelled, A's subtasks go and
 * B's and C's stay, with the same MBean names, pools, verdicts and origins.
 */
public abstract class FlinkSharedTaskManagerScenario {

    static final Duration TIMEOUT = Duration.ofSeconds(90);
    static final String AGENT_ARGS = "samples=40,delay=50ms";
    static final int SAMPLES = 40;
    static final int READINGS = 10;
    /** Agent and Flink read the same pools moments apart. */
    static final double POOL_TOLERANCE = 0.2;
    /** A backpressured Parse has one of its two output pools full: at least about half its buffers in use. */
    static final double HIGH_POOL_USAGE = 0.4;
    private static final Pattern SUBMITTED = Pattern.compile(Pattern.quote(SharedJobs.SUBMITTED) + "([ABC]) ([0-9a-f]{32})");
    private static final AgentSettings SETTINGS = new AgentSettings(SAMPLES, 50, Settings.LOW_DEFAULT, Settings.HIGH_DEFAULT);
    private static final String OUT_POOL_USAGE = "org.apache.flink.taskmanager.job.task.Shuffle.Netty.Output.Buffers.outPoolUsage";

    @Test
    void jobsOfEqualNamesAreSeparateSubtasksEachWithItsOwnPoolsVerdictsAndOrigins() throws Exception {
        String label = getClass().getSimpleName();
        try (JavaProcess child = JavaProcess.builder(SharedJobs.class.getName()).jvmArgs("-Xmx512m")
                .javaagent(AGENT_ARGS).logName(label).start()) {
            child.awaitOutput(SharedJobs.READY, TIMEOUT);
            Map<String, String> jobIds = new TreeMap<>();
            Matcher m = SUBMITTED.matcher(child.output());
            while (m.find()) {
                jobIds.put(m.group(1), m.group(2));
            }
            assertEquals(SharedJobs.JOBS, jobIds.size(), "Flink's job ids of A, B and C in " + child.log());
            String a = jobIds.get("A");
            String b = jobIds.get("B");
            String c = jobIds.get("C");
            try (LocalJmxConnection jmx = LocalJvm.connect(child.pid())) {
                MBeanServerConnection mbeans = jmx.mbeans();
                ChokepointReader reader = new ChokepointReader(mbeans);
                awaitFullWindows(reader, label, SharedJobs.JOBS * SharedJobs.PARALLELISM);

                Set<ObjectName> namesOfB = parseNames(mbeans, b);
                List<String> wrong = new ArrayList<>();
                for (int i = 0; i < READINGS; i++) {
                    List<TaskSnapshot> tasks = reader.tasks();
                    wrong.addAll(judge(mbeans, tasks, a, SharedJobs.JOB_NAME, "HIGH", i));
                    wrong.addAll(judge(mbeans, tasks, b, SharedJobs.JOB_NAME, "OK", i));
                    wrong.addAll(judge(mbeans, tasks, c, SharedJobs.OTHER_JOB_NAME, "HIGH", i));
                    wrong.addAll(origins(child.pid(), tasks, Map.of(a, List.of(SharedJobs.ZULU_VERTEX), b, List.of(),
                            c, List.of(SharedJobs.ALPHA_VERTEX)), i));
                    assertEquals(List.of(), phantoms(tasks), "fetcher threads taken for subtasks");
                    Thread.sleep(500);
                }
                List<String> fetchers = threadsNamed(mbeans, SharedJobs.FETCHER_PREFIX);
                System.out.printf("[%s] three jobs: %d wrong of %d readings (6 Parse subtasks, 3 jobs' origins);"
                        + " fetcher threads alive: %s%n", label, wrong.size(), READINGS, fetchers);
                assertEquals(SharedJobs.PARALLELISM, fetchers.size(), "B's fetcher threads must run for the test to mean anything");
                assertEquals(List.of(), wrong);
                assertEquals(2, namesOfB.size(), namesOfB.toString());
                for (ObjectName name : namesOfB) {
                    String job = ObjectName.unquote(name.getKeyProperty(ObjectNames.JOB_KEY));
                    assertEquals(ObjectNames.job(SharedJobs.JOB_NAME, b), job, name.toString());
                    assertEquals(SharedJobs.JOB_NAME, mbeans.getAttribute(name, TaskAttributes.JOB));
                }
                Map<String, List<String>> cli = cliOrigins(child.pid());
                System.out.printf("[%s] status --json origins by job: %s%n", label, cli);
                assertEquals(Map.of(a, List.of(SharedJobs.ZULU_VERTEX), b, List.of(), c, List.of(SharedJobs.ALPHA_VERTEX)),
                        cli, "the real CLI's status --json, jobs[].origins");

                OutputStream stdin = child.process().getOutputStream();
                stdin.write("cancel A\n".getBytes(StandardCharsets.UTF_8));
                stdin.flush();
                child.awaitOutput(SharedJobs.CANCELLED, TIMEOUT);
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (reader.tasks().stream().anyMatch(t -> t.jobId.equals(a))) {
                    assertTrue(System.nanoTime() < deadline, "job A's subtasks still reported 20 s after its cancellation");
                    Thread.sleep(200);
                }
                List<String> wrongAfter = new ArrayList<>();
                for (int i = 0; i < READINGS / 2; i++) {
                    List<TaskSnapshot> tasks = reader.tasks();
                    wrongAfter.addAll(judge(mbeans, tasks, b, SharedJobs.JOB_NAME, "OK", i));
                    wrongAfter.addAll(judge(mbeans, tasks, c, SharedJobs.OTHER_JOB_NAME, "HIGH", i));
                    wrongAfter.addAll(origins(child.pid(), tasks, Map.of(b, List.of(), c, List.of(SharedJobs.ALPHA_VERTEX)), i));
                    assertTrue(tasks.stream().allMatch(t -> t.jobId.equals(b) || t.jobId.equals(c)),
                            "only B's and C's subtasks after A: " + tasks);
                    Thread.sleep(500);
                }
                System.out.printf("[%s] after cancelling A: %d wrong of %d readings (B and C)%n",
                        label, wrongAfter.size(), READINGS / 2);
                assertEquals(List.of(), wrongAfter);
                assertEquals(namesOfB, parseNames(mbeans, b), "B's MBeans are the same after A went");
            }
            child.process().getOutputStream().write("exit\n".getBytes(StandardCharsets.UTF_8));
            child.process().getOutputStream().flush();
        }
    }

    /** Until every subtask of every job has a full window (4 vertices x 2 subtasks x 3 jobs). */
    private static void awaitFullWindows(ChokepointReader reader, String label, int parseSubtasks) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            List<TaskSnapshot> tasks = reader.tasks();
            List<TaskSnapshot> jobTasks = tasks.stream().filter(t -> !t.jobId.isEmpty()).collect(Collectors.toList());
            long parse = jobTasks.stream().filter(t -> t.vertex.equals(SharedJobs.PARSE_VERTEX)).count();
            if (parse >= parseSubtasks && jobTasks.size() >= 4 * SharedJobs.PARALLELISM * SharedJobs.JOBS
                    && jobTasks.stream().allMatch(t -> t.samples >= SAMPLES)) {
                System.out.printf("[%s] full windows: %s%n", label, jobTasks.stream()
                        .map(t -> t.thread + "@" + t.jobId.substring(0, 8) + "=" + t.backPressureLevel)
                        .collect(Collectors.toList()));
                return;
            }
            assertTrue(System.nanoTime() < deadline, label + ": no full window for both jobs: " + tasks);
            Thread.sleep(500);
        }
    }

    /** What is wrong with one job's Parse subtasks in one reading: level, job name, pools against Flink's. */
    private static List<String> judge(MBeanServerConnection mbeans, List<TaskSnapshot> tasks, String jobId,
                                      String jobName, String level, int reading) throws IOException {
        List<String> wrong = new ArrayList<>();
        List<TaskSnapshot> parse = tasks.stream()
                .filter(t -> t.jobId.equals(jobId) && t.vertex.equals(SharedJobs.PARSE_VERTEX))
                .collect(Collectors.toList());
        if (parse.size() != SharedJobs.PARALLELISM) {
            wrong.add("reading " + reading + ": job " + jobId + " has " + parse.size() + " Parse subtasks: " + tasks);
            return wrong;
        }
        for (TaskSnapshot t : parse) {
            String where = "reading " + reading + ", job " + jobId.substring(0, 8) + " " + t.thread;
            if (!t.backPressureLevel.equals(level)) {
                wrong.add(where + ": " + t.backPressureLevel + " (ratio " + t.backPressureRatio + "), expected " + level);
            }
            if (!t.job.equals(jobName)) {
                wrong.add(where + ": job name '" + t.job + "'");
            }
            // Parse writes two partitions, the slow branch's full and the fast one's nearly empty, so a
            // backpressured Parse's usage is about 0.5: compared with Flink's by value, not by side of 0.5.
            double flink = flinkOutPoolUsage(mbeans, jobId, t.subtask);
            if (Double.isNaN(t.outPoolUsage) || Double.isNaN(flink) || Math.abs(t.outPoolUsage - flink) > POOL_TOLERANCE
                    || (t.outPoolUsage >= HIGH_POOL_USAGE) != level.equals("HIGH")) {
                wrong.add(where + ": outPoolUsage " + t.outPoolUsage + ", Flink's " + flink);
            }
        }
        return wrong;
    }

    /** What is wrong with the origins the CLI's diagnosis (per job, as {@code status} groups them) names. */
    private static List<String> origins(long pid, List<TaskSnapshot> tasks, Map<String, List<String>> expected,
                                        int reading) {
        Snapshot snapshot = new Snapshot(pid, "", System.currentTimeMillis(), SETTINGS, tasks);
        Map<String, List<String>> found = new TreeMap<>();
        for (Snapshot.Job job : snapshot.jobs) {
            found.put(job.id, job.diagnosis.origins.stream().map(o -> o.vertex.name).collect(Collectors.toList()));
        }
        return found.equals(new TreeMap<>(expected)) ? List.of()
                : List.of("reading " + reading + ": origins by job " + found + ", expected " + expected);
    }

    /** The real CLI's {@code status --json}: each job's origins, by job id. */
    private static Map<String, List<String>> cliOrigins(long pid) throws Exception {
        String json = CliJar.run(Duration.ofSeconds(60), "status", Long.toString(pid), "--json",
                "--agent", JavaProcess.agentJar().toString());
        Map<String, List<String>> origins = new TreeMap<>();
        Object jobs = ((Map<?, ?>) JsonTree.parse(json.getBytes(StandardCharsets.UTF_8))).get(StatusJson.JOBS);
        assertTrue(jobs instanceof List, "a jobs array with several jobs: " + json);
        for (Object job : (List<?>) jobs) {
            Map<?, ?> fields = (Map<?, ?>) job;
            List<String> names = new ArrayList<>();
            for (Object origin : (List<?>) fields.get(StatusJson.ORIGINS)) {
                names.add((String) ((Map<?, ?>) origin).get(StatusJson.VERTEX));
            }
            origins.put((String) fields.get(StatusJson.ID), names);
        }
        return origins;
    }

    /** Flink's own outPoolUsage of that job's Parse subtask (its JMX reporter); NaN when it has none. */
    private static double flinkOutPoolUsage(MBeanServerConnection mbeans, String jobId, int subtask) throws IOException {
        try {
            for (ObjectName name : mbeans.queryNames(new ObjectName(OUT_POOL_USAGE + ":job_id=" + jobId
                    + ",task_name=" + SharedJobs.PARSE_VERTEX + ",subtask_index=" + subtask + ",*"), null)) {
                Object value = mbeans.getAttribute(name, "Value");
                return value instanceof Number ? ((Number) value).doubleValue() : Double.NaN;
            }
            return Double.NaN;
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private static Set<ObjectName> parseNames(MBeanServerConnection mbeans, String jobId) throws Exception {
        Set<ObjectName> names = new TreeSet<>();
        for (ObjectName name : mbeans.queryNames(ObjectNames.ALL_TASKS, null)) {
            if (jobId.equals(mbeans.getAttribute(name, TaskAttributes.JOB_ID))
                    && SharedJobs.PARSE_VERTEX.equals(mbeans.getAttribute(name, TaskAttributes.VERTEX))) {
                names.add(name);
            }
        }
        return names;
    }

    private static List<String> phantoms(List<TaskSnapshot> tasks) {
        return tasks.stream().filter(t -> t.thread.startsWith(SharedJobs.FETCHER_PREFIX) || t.jobId.isEmpty())
                .map(t -> t.thread).collect(Collectors.toList());
    }

    private static List<String> threadsNamed(MBeanServerConnection mbeans, String prefix) throws IOException {
        ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(mbeans, ManagementFactory.THREAD_MXBEAN_NAME,
                ThreadMXBean.class);
        return Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds())).filter(Objects::nonNull)
                .map(ThreadInfo::getThreadName).filter(n -> n.startsWith(prefix)).sorted().collect(Collectors.toList());
    }
}

package dev.chokepoint.e2e;

import dev.chokepoint.api.Episode;
import dev.chokepoint.api.ObjectNames;
import dev.chokepoint.api.Persistence;
import dev.chokepoint.api.StatusJson;
import dev.chokepoint.api.TaskAttributes;
import dev.chokepoint.cli.jmx.ChokepointReader;
import dev.chokepoint.cli.jmx.LocalJmxConnection;
import dev.chokepoint.cli.jmx.TaskHistory;
import dev.chokepoint.cli.jmx.TaskSnapshot;
import dev.chokepoint.cli.report.Snapshot;
import dev.chokepoint.cli.report.Sparkline;
import dev.chokepoint.cli.report.TableReport;
import dev.chokepoint.cli.rest.JsonTree;
import dev.chokepoint.cli.testing.JavaProcess;
import dev.chokepoint.cli.testing.LocalJvm;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServerConnection;
import javax.management.Notification;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * History (issue 15) on real Flink: three jobs in one TaskManager whose backpressure over time is
 * known by construction ({@link HistoryJobs}): a sink slow 8 s of every 25 s, one always slow, and
 * an idle job. After 75 s: the periodic job's Source and Work read {@code TEMPORARY} with at least
 * two ended episodes of about 8 s each (and their Task MBeans have sent an episode-end notification
 * for each); the steady job's read {@code PERSISTENT} with one ongoing episode; every vertex of the
 * idle job, and both sinks, {@code NONE}; in JMX, in the real CLI's {@code status --json}, and the
 * periodic job's through Flink's REST API ({@code status --rest}).
 */
public abstract class FlinkHistoryScenario {

    static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** A one-second window: a point of the history and the level follow the job within a second. */
    static final String AGENT_ARGS = "samples=20,delay=50ms";
    static final long OBSERVED_MILLIS = 75_000;
    /** "About 8 s": the sink is slow for 8 s; the history's steps are 1 s and the buffers fill and drain in under one. */
    static final long EPISODE_MIN_MILLIS = 5_000;
    static final long EPISODE_MAX_MILLIS = 11_000;
    private static final Pattern REST = Pattern.compile("REST at (http://\\S+)");
    private static final Pattern FIRST_RECORD = Pattern.compile(Pattern.quote(HistoryJobs.FIRST_RECORD) + "(\\d+)");
    private static final List<String> UPSTREAM = List.of(HistoryJobs.SOURCE_VERTEX, HistoryJobs.WORK_VERTEX);

    @Test
    void periodicBackpressureIsTemporarySteadyIsPersistentIdleIsNone() throws Exception {
        String label = getClass().getSimpleName();
        try (JavaProcess child = JavaProcess.builder(HistoryJobs.class.getName()).jvmArgs("-Xmx512m")
                .javaagent(AGENT_ARGS).logName(label).start()) {
            child.awaitOutput(HistoryJobs.READY, TIMEOUT);
            child.awaitOutput(HistoryJobs.FIRST_RECORD, TIMEOUT);
            Matcher first = FIRST_RECORD.matcher(child.output());
            assertTrue(first.find(), child.log().toString());
            long submitted = Long.parseLong(first.group(1)); // the periodic sink's periods count from about there
            try (LocalJmxConnection jmx = LocalJvm.connect(child.pid())) {
                MBeanServerConnection mbeans = jmx.mbeans();
                ChokepointReader reader = new ChokepointReader(mbeans);
                List<String> ends = listenToEpisodeEnds(mbeans, reader, label);
                long wait = submitted + OBSERVED_MILLIS - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                List<TaskSnapshot> tasks = reader.tasks();
                System.out.printf("[%s] the report:%n%s%n", label, String.join("\n", new TableReport(false,
                        Sparkline.unicode()).render(new Snapshot(child.pid(), "", System.currentTimeMillis(),
                        reader.agentSettings().orElseThrow(), tasks))));
                Map<String, String> verdicts = new TreeMap<>();
                for (TaskSnapshot t : tasks) {
                    verdicts.put(t.job + "/" + t.vertex, t.history.persistence + " " + t.history.episodes);
                }
                System.out.printf("[%s] after %d s: %s%n", label, (System.currentTimeMillis() - submitted) / 1000,
                        String.join("\n  ", verdictLines(verdicts)));

                for (String vertex : UPSTREAM) {
                    TaskHistory periodic = history(tasks, HistoryJobs.PERIODIC, vertex);
                    assertEquals(Persistence.TEMPORARY, periodic.persistence, HistoryJobs.PERIODIC + "/" + vertex);
                    List<Episode> ended = new ArrayList<>();
                    for (Episode e : periodic.episodes) {
                        if (!e.isOngoing()) {
                            ended.add(e);
                        }
                    }
                    assertTrue(ended.size() >= 2, HistoryJobs.PERIODIC + "/" + vertex + " ended episodes: " + ended);
                    for (Episode e : ended) {
                        assertTrue(e.getDurationMillis() >= EPISODE_MIN_MILLIS && e.getDurationMillis() <= EPISODE_MAX_MILLIS,
                                HistoryJobs.PERIODIC + "/" + vertex + ": an episode of about 8 s, not " + e);
                    }
                    assertTrue(ended.get(1).getStart() - ended.get(0).getStart() >= 20_000
                            && ended.get(1).getStart() - ended.get(0).getStart() <= 30_000,
                            "episodes 25 s apart: " + ended);
                    long notified = ends.stream().filter(n -> n.equals(HistoryJobs.PERIODIC + "/" + vertex)).count();
                    // the listener comes a few seconds into the first episode: every end after it is notified
                    assertTrue(notified >= Math.max(1, ended.size() - 1), HistoryJobs.PERIODIC + "/" + vertex
                            + ": an end notification per ended episode since the listener was added: " + ends);

                    TaskHistory steady = history(tasks, HistoryJobs.STEADY, vertex);
                    assertEquals(Persistence.PERSISTENT, steady.persistence, HistoryJobs.STEADY + "/" + vertex);
                    assertEquals(1, steady.episodes.size(), HistoryJobs.STEADY + "/" + vertex + ": " + steady.episodes);
                    assertTrue(steady.episodes.get(0).isOngoing(), steady.episodes.toString());
                }
                assertEquals(Persistence.NONE, history(tasks, HistoryJobs.PERIODIC, HistoryJobs.SINK_VERTEX).persistence,
                        "the periodic job's sink is the bottleneck, never backpressured");
                assertEquals(Persistence.NONE, history(tasks, HistoryJobs.STEADY, HistoryJobs.SINK_VERTEX).persistence);
                for (String vertex : List.of(HistoryJobs.SOURCE_VERTEX, HistoryJobs.WORK_VERTEX, HistoryJobs.SINK_VERTEX)) {
                    TaskHistory idle = history(tasks, HistoryJobs.IDLE, vertex);
                    assertEquals(Persistence.NONE, idle.persistence, HistoryJobs.IDLE + "/" + vertex);
                    assertEquals(List.of(), idle.episodes, HistoryJobs.IDLE + "/" + vertex);
                }
                double[] ratios = history(tasks, HistoryJobs.PERIODIC, HistoryJobs.WORK_VERTEX).ratios();
                assertTrue(ratios.length >= 60, "a point a second since the job started: " + ratios.length);

                Map<String, String> cli = cliPersistence(child.pid());
                System.out.printf("[%s] status --json persistence by job/vertex: %s%n", label, cli);
                for (String vertex : UPSTREAM) {
                    assertEquals("TEMPORARY", cli.get(HistoryJobs.PERIODIC + "/" + vertex), cli.toString());
                    assertEquals("PERSISTENT", cli.get(HistoryJobs.STEADY + "/" + vertex), cli.toString());
                }
                for (String vertex : List.of(HistoryJobs.SOURCE_VERTEX, HistoryJobs.WORK_VERTEX, HistoryJobs.SINK_VERTEX)) {
                    assertEquals("NONE", cli.get(HistoryJobs.IDLE + "/" + vertex), cli.toString());
                }

                // The same history through Flink's metrics and the JobManager's REST API, as of its last fetch.
                Matcher rest = REST.matcher(child.output());
                assertTrue(rest.find(), child.log().toString());
                String json = CliJar.run(Duration.ofSeconds(60), "status", "--rest", rest.group(1), "--job",
                        HistoryJobs.PERIODIC, "--json");
                System.out.printf("[%s] status --rest --job %s --json: %s%n", label, HistoryJobs.PERIODIC, json);
                Map<?, ?> periodic = (Map<?, ?>) JsonTree.parse(json.getBytes(StandardCharsets.UTF_8));
                for (Object v : (List<?>) periodic.get(StatusJson.VERTICES)) {
                    Map<?, ?> vertex = (Map<?, ?>) v;
                    if (UPSTREAM.contains((String) vertex.get(StatusJson.NAME))) {
                        assertEquals("TEMPORARY", vertex.get(StatusJson.PERSISTENCE), "--rest: " + vertex.get(StatusJson.NAME));
                        long ended = ((List<?>) vertex.get(StatusJson.EPISODES)).stream()
                                .filter(e -> ((Map<?, ?>) e).get(Episode.END) != null).count();
                        assertTrue(ended >= 2, "--rest: " + vertex.get(StatusJson.NAME) + " episodes "
                                + vertex.get(StatusJson.EPISODES));
                        assertTrue(((List<?>) vertex.get(StatusJson.HISTORY)).size() >= 50, "--rest: points");
                        // a checkpoint every 5 s: the last ended episode of 6 to 8 s ran during at least one
                        Map<?, ?> last = null;
                        for (Object e : (List<?>) vertex.get(StatusJson.EPISODES)) {
                            last = ((Map<?, ?>) e).get(Episode.END) != null ? (Map<?, ?>) e : last;
                        }
                        assertTrue(last != null && !((List<?>) last.get(StatusJson.CHECKPOINTS)).isEmpty(),
                                "--rest: the checkpoints during " + last);
                    }
                }
            }
            child.process().getOutputStream().write("exit\n".getBytes(StandardCharsets.UTF_8));
            child.process().getOutputStream().flush();
        }
    }

    private static List<String> verdictLines(Map<String, String> verdicts) {
        List<String> lines = new ArrayList<>();
        verdicts.forEach((k, v) -> lines.add(k + ": " + v));
        return lines;
    }

    /** The one subtask (parallelism 1) of that job's vertex. */
    private static TaskHistory history(List<TaskSnapshot> tasks, String job, String vertex) {
        List<TaskSnapshot> found = new ArrayList<>();
        for (TaskSnapshot t : tasks) {
            if (t.job.equals(job) && t.vertex.equals(vertex)) {
                found.add(t);
            }
        }
        assertEquals(1, found.size(), job + "/" + vertex + " in " + tasks);
        assertTrue(found.get(0).history.known(), "the agent keeps a history of " + job + "/" + vertex);
        return found.get(0).history;
    }

    /**
     * Subscribes to every subtask's episode notifications as soon as the subtasks are there; the
     * list gets {@code job/vertex} for each episode end.
     */
    private static List<String> listenToEpisodeEnds(MBeanServerConnection mbeans, ChokepointReader reader, String label)
            throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        List<ObjectName> names;
        while (true) {
            names = new ArrayList<>(mbeans.queryNames(ObjectNames.ALL_TASKS, null));
            if (names.size() >= 9) {
                break;
            }
            assertTrue(System.nanoTime() < deadline, label + ": 9 subtasks of 3 jobs, found " + names);
            Thread.sleep(200);
        }
        List<String> ends = new CopyOnWriteArrayList<>();
        for (ObjectName name : names) {
            String key = mbeans.getAttribute(name, TaskAttributes.JOB) + "/" + mbeans.getAttribute(name, TaskAttributes.VERTEX);
            NotificationListener listener = (Notification n, Object handback) -> {
                if (Episode.NOTIFICATION_END.equals(n.getType())) {
                    ends.add(key);
                }
            };
            mbeans.addNotificationListener(name, listener, null, null);
        }
        return ends;
    }

    /** The real CLI's {@code status --json}: each vertex's persistence, by {@code job/vertex}. */
    private static Map<String, String> cliPersistence(long pid) throws Exception {
        String json = CliJar.run(Duration.ofSeconds(60), "status", Long.toString(pid), "--json",
                "--agent", JavaProcess.agentJar().toString());
        Map<String, String> persistence = new TreeMap<>();
        Object jobs = ((Map<?, ?>) JsonTree.parse(json.getBytes(StandardCharsets.UTF_8))).get(StatusJson.JOBS);
        assertTrue(jobs instanceof List, "a jobs array with three jobs: " + json);
        for (Object job : (List<?>) jobs) {
            Map<?, ?> fields = (Map<?, ?>) job;
            for (Object vertex : (List<?>) fields.get(StatusJson.VERTICES)) {
                Map<?, ?> v = (Map<?, ?>) vertex;
                persistence.put(fields.get(StatusJson.NAME) + "/" + v.get(StatusJson.NAME),
                        String.valueOf(v.get(StatusJson.PERSISTENCE)));
            }
        }
        return persistence;
    }
}

package dev.chokepoint.cli;

import dev.chokepoint.cli.common.CliException;
import dev.chokepoint.cli.report.Snapshot;
import dev.chokepoint.cli.rest.FlinkRestClient;
import dev.chokepoint.cli.rest.RestSnapshotReader;

import java.io.PrintStream;

/** {@code status --rest URL}: a whole job, over every TaskManager, through the JobManager's REST API. */
final class RestStatus {

    /** Flink's JobManager fetches the TaskManagers' metrics every 10 s by default: a few rounds, and the tasks' start. */
    static final long WAIT_MILLIS = 90_000;
    private static final long POLL_MILLIS = 1_000;
    static final String FETCH_INTERVAL = "the JobManager fetches them every metrics.fetcher.update-interval"
            + " (10 s by default)";

    private RestStatus() {
    }

    /**
     * {@code watch}: seconds between readings, null for one; then the CLI also keeps a history, one
     * point per reading, of the subtasks whose metrics carry none (judged by Flink's own metrics).
     */
    static void run(String url, String job, boolean json, Double watch, Integer count, boolean await, Long sinceMillis,
                    PrintStream out, PrintStream err) throws InterruptedException {
        RestSnapshotReader reader = RestSnapshotReader.open(new FlinkRestClient(url), job);
        if (watch != null) {
            reader.watch(Math.max(1, Math.round(watch * 1000)));
        }
        Watch view = new Watch(reader::read, out, err, json, sinceMillis);
        if (await) {
            awaitMetrics(reader, err);
        } else {
            Snapshot first = reader.read();
            if (!first.tasks.isEmpty() && reader.withoutMetrics().size() == first.tasks.size()) {
                throw new CliException("the JobManager has no metrics of job " + first.cluster.jobName + " ("
                        + first.cluster.jobId + ") yet", "--wait waits for them; " + FETCH_INTERVAL);
            }
        }
        StatusCommand.run(view, -1, watch, count, () -> true);
    }

    /** {@code --wait}: progress on stderr until every subtask has metrics at the JobManager. */
    private static void awaitMetrics(RestSnapshotReader reader, PrintStream err) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        String last = "";
        while (true) {
            Snapshot snapshot = reader.read();
            int missing = reader.withoutMetrics().size();
            if (!snapshot.tasks.isEmpty() && missing == 0) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new CliException("the JobManager had no metrics of " + missing + " of " + snapshot.tasks.size()
                        + " subtasks of job " + snapshot.cluster.jobId + " after " + WAIT_MILLIS / 1000 + " s: "
                        + reader.withoutMetrics(), "check that the subtasks run (Flink's web UI); " + FETCH_INTERVAL);
            }
            String progress = "chokepoint: waiting for the JobManager to fetch the metrics: "
                    + (snapshot.tasks.size() - missing) + " of " + snapshot.tasks.size() + " subtasks so far";
            if (!progress.equals(last)) {
                err.println(progress);
                last = progress;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}

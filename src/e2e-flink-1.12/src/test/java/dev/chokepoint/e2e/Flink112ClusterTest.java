package dev.chokepoint.e2e;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Flink 1.12.7 as a standalone cluster of two TaskManagers ({@code flink-conf.yaml}). It measures
 * no busy or backpressured time per task (1.13+): its per-subtask metric here is
 * {@code idleTimeMsPerSecond}, and the dashboard's panel of Flink's backpressured time stays empty.
 */
class Flink112ClusterTest extends FlinkClusterScenario {

    /**
     * Flink 1.12 predates Java 17: its RPC start-up normalizes the JobManager's address through the
     * JDK-internal {@code sun.net.util.IPAddressUtil} ({@code NetUtils.unresolvedHostToNormalizedString}),
     * which a MiniCluster never calls but a remote actor system does.
     */
    @Override
    protected List<String> clusterJvmArgs() {
        return Arrays.asList("--add-exports", "java.base/sun.net.util=ALL-UNNAMED");
    }

    @Override
    protected String flinkTaskMetric() {
        return "flink_taskmanager_job_task_idleTimeMsPerSecond";
    }

    @Override
    protected boolean flinkMeasuresBusyTime() {
        return false;
    }

    @Override
    protected Set<String> flinkMetricsNotInThisVersion() {
        return Collections.singleton("flink_taskmanager_job_task_backPressuredTimeMsPerSecond");
    }
}

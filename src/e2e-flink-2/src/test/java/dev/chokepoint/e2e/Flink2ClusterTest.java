package dev.chokepoint.e2e;

/**
 * Flink 2.3.0 as a standalone cluster of two TaskManagers: its {@code GlobalConfiguration} reads
 * only {@code config.yaml} (standard YAML; the flat {@code key: value} lines are that too).
 */
class Flink2ClusterTest extends FlinkClusterScenario {

    @Override
    protected String configFileName() {
        return "config.yaml";
    }
}

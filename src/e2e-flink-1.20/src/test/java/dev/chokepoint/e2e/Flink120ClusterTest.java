package dev.chokepoint.e2e;

/**
 * Flink 1.20.3 as a standalone cluster of two TaskManagers: reads {@code flink-conf.yaml} (its
 * {@code GlobalConfiguration} falls back to it when there is no {@code config.yaml}), and has
 * every metric the dashboard shows.
 */
class Flink120ClusterTest extends FlinkClusterScenario {
}

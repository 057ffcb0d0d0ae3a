/**
 * Stand-ins with the names and shapes of Flink's metric interfaces (flink-metrics-core 1.16+, where
 * {@code Metric} has a default {@code getMetricType()}), for the agent's unit tests: the agent finds
 * these interfaces by name in the class loader of a task's metric group, and Flink is no dependency
 * of the agent, not even for tests. The real ones are exercised in src/e2e-*.
 */
package org.apache.flink.metrics;

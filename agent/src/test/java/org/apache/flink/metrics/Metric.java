package org.apache.flink.metrics;

/** Stand-in of Flink's {@code Metric} (1.16+). */
public interface Metric {
    default MetricType getMetricType() {
        throw new UnsupportedOperationException("Custom metric types are not supported.");
    }
}

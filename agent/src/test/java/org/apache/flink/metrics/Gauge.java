package org.apache.flink.metrics;

/** Stand-in of Flink's {@code Gauge}. */
public interface Gauge<T> extends Metric {
    T getValue();

    @Override
    default MetricType getMetricType() {
        return MetricType.GAUGE;
    }
}

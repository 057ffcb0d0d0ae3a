package org.apache.flink.metrics;

/** Stand-in of Flink's {@code MetricType} (1.16+). */
public enum MetricType {
    COUNTER, METER, GAUGE, HISTOGRAM
}

package org.apache.flink.metrics;

/** Stand-in of the part of Flink's {@code MetricGroup} the agent calls. */
public interface MetricGroup {
    <T, G extends Gauge<T>> G gauge(String name, G gauge);

    MetricGroup addGroup(String name);
}

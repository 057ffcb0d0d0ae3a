package org.apache.flink.runtime.metrics.groups;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Stand-in of a Flink metric group with {@code AbstractMetricGroup}'s bookkeeping (1.9–2.x): the
 * private {@code metrics} and {@code groups} maps under the group's monitor, an existing sub-group
 * returned for its name, and a second metric of one name refused (Flink logs a warning; here it is
 * recorded in {@link #collisions}).
 */
public class TaskMetricGroup implements MetricGroup {

    private final Map<String, Metric> metrics = new HashMap<>();
    private final Map<String, TaskMetricGroup> groups = new HashMap<>();
    public final List<String> collisions = new ArrayList<>();
    public RuntimeException failOnGauge;

    @Override
    public synchronized <T, G extends Gauge<T>> G gauge(String name, G gauge) {
        if (failOnGauge != null) {
            throw failOnGauge;
        }
        Metric prior = metrics.put(name, gauge);
        if (prior != null) {
            metrics.put(name, prior);
            collisions.add(name);
        }
        return gauge;
    }

    @Override
    public synchronized MetricGroup addGroup(String name) {
        TaskMetricGroup group = groups.get(name);
        if (group == null) {
            group = new TaskMetricGroup();
            groups.put(name, group);
        }
        return group;
    }

    public synchronized TaskMetricGroup group(String name) {
        return groups.get(name);
    }

    public synchronized Map<String, Metric> metrics() {
        return new HashMap<>(metrics);
    }
}

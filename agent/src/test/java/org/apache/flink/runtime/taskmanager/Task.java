package org.apache.flink.runtime.taskmanager;

import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;

/** Stand-in of Flink's {@code Task} with the members the agent reads: no partitions or gates, and its metric group. */
public class Task implements Runnable {

    @SuppressWarnings("unused")
    private final Object[] partitionWriters = new Object[0];
    @SuppressWarnings("unused")
    private final Object[] inputGates = new Object[0];
    private final TaskMetricGroup metrics;

    public Task(TaskMetricGroup metrics) {
        this.metrics = metrics;
    }

    public TaskMetricGroup getMetricGroup() {
        return metrics;
    }

    @Override
    public void run() {
    }
}

package dev.chokepoint.cli.jmx;

/** One subtask as read from a {@code chokepoint:type=Task} MBean. */
public final class TaskSnapshot {
    public final String thread;
    public final String vertex;
    public final int subtask;
    public final int parallelism;
    public final double backPressureRatio;
    public final String backPressureLevel;
    public final int levelCode;
    public final int samples;
    public final int blockedSamples;

    public TaskSnapshot(String thread, String vertex, int subtask, int parallelism, double backPressureRatio,
                        String backPressureLevel, int levelCode, int samples, int blockedSamples) {
        this.thread = thread;
        this.vertex = vertex;
        this.subtask = subtask;
        this.parallelism = parallelism;
        this.backPressureRatio = backPressureRatio;
        this.backPressureLevel = backPressureLevel;
        this.levelCode = levelCode;
        this.samples = samples;
        this.blockedSamples = blockedSamples;
    }

    @Override
    public String toString() {
        return thread + " [" + backPressureLevel + " " + blockedSamples + "/" + samples + "]";
    }
}

package dev.chokepoint.cli.jmx;

import dev.chokepoint.api.Cause;

import java.util.List;

/**
 * One subtask as read from its {@link dev.chokepoint.api.TaskMXBean}. The buffer-pool values are
 * {@code NaN} where the value does not exist for the task (the input side of a source, the output
 * side of a sink, buffer waits when there were none).
 */
public final class TaskSnapshot {
    public final String thread;
    /** The Flink job's name and id; empty when the agent does not say (not Flink, or an older agent). */
    public final String job;
    public final String jobId;
    public final String vertex;
    public final int subtask;
    public final int parallelism;
    /** Hard + soft backpressure over the sample window, 0..1. */
    public final double backPressureRatio;
    public final String backPressureLevel;
    public final int levelCode;
    public final int samples;
    public final int blockedSamples;

    /** Flink's {@code outPoolUsage}: Σ used / Σ size over the task's result partitions' pools. */
    public final double outPoolUsage;
    /** Flink's {@code inPoolUsage}: (floating used + exclusive used) / (floating total + exclusive total). */
    public final double inPoolUsage;
    /** Flink's {@code inputFloatingBuffersUsage}. */
    public final double floatingBuffersUsage;
    /** Flink's {@code inputExclusiveBuffersUsage}. */
    public final double exclusiveBuffersUsage;
    /** Shares of the sample window, 0..1; hard + soft + idle + busy = 1. */
    public final double hardBackPressureRatio;
    public final double softBackPressureRatio;
    public final double idleRatio;
    public final double busyRatio;
    /** Time blocked in buffer requests, measured by the instrumentation, ms per second. */
    public final double backPressuredTimeMsPerSecond;
    public final double bufferWaitP50Micros;
    public final double bufferWaitP99Micros;
    public final double bufferWaitMaxMicros;
    /**
     * Flink IntermediateResultPartitionIDs this subtask writes ({@code ProducedPartitions}) and reads
     * ({@code ConsumedPartitions}); {@code null} when the agent does not report them.
     */
    public final List<String> producedPartitions;
    public final List<String> consumedPartitions;
    /** Input channels that read over the network; -1 without inputs. */
    public final int remoteInputChannels;

    /** Shares of the sample window by cause of the busy time, 0..1; they add up to {@link #busyRatio}. */
    public final double cpuRatio;
    public final double gcRatio;
    public final double lockRatio;
    public final double ioRatio;
    public final double sleepRatio;
    public final double externalWaitRatio;
    public final double otherBusyRatio;
    /** The dominant cause of the busy time as the agent names it; {@link Cause#NONE} when hardly busy. */
    public final Cause cause;
    /** The thread that owned the lock the subtask last waited for; empty when it waited for none. */
    public final String lockOwner;
    /** The class of that lock; empty when it waited for none. */
    public final String lockClass;
    /** The top user frames of the busy stack reads, {@code Class.method NN%}, most frequent first. */
    public final List<String> hotFrames;
    /** Flink's {@code numRecordsIn} of the task; -1 when unknown. */
    public final long recordsIn;
    /** The TaskManager (Flink's resource id) that runs the subtask; null when unknown (read from one JVM). */
    public final String taskManager;
    /** The host of that TaskManager; null when unknown. */
    public final String host;
    /** What the level was judged from: {@link Placement#BY_AGENT}, {@link Placement#BY_FLINK} or {@link Placement#BY_NONE}. */
    public final String judgedBy;
    /** Its backpressure over time; {@link TaskHistory#UNKNOWN} where nothing kept it. */
    public final TaskHistory history;

    /** A subtask of the one JVM read over JMX: judged by the agent there. */
    public TaskSnapshot(String thread, String vertex, int subtask, int parallelism, double backPressureRatio,
                        String backPressureLevel, int levelCode, int samples, int blockedSamples,
                        BufferPools pools, List<String> producedPartitions, List<String> consumedPartitions,
                        BusyCauses causes) {
        this(thread, vertex, subtask, parallelism, backPressureRatio, backPressureLevel, levelCode, samples,
                blockedSamples, pools, producedPartitions, consumedPartitions, causes, Placement.LOCAL);
    }

    /** {@code producedPartitions}, {@code consumedPartitions}: the job topology, {@code null} when unknown. */
    public TaskSnapshot(String thread, String vertex, int subtask, int parallelism, double backPressureRatio,
                        String backPressureLevel, int levelCode, int samples, int blockedSamples,
                        BufferPools pools, List<String> producedPartitions, List<String> consumedPartitions,
                        BusyCauses causes, Placement placement) {
        this(thread, vertex, subtask, parallelism, backPressureRatio, backPressureLevel, levelCode, samples,
                blockedSamples, pools, producedPartitions, consumedPartitions, causes, placement, "", "");
    }

    /** {@code job}, {@code jobId}: the Flink job the subtask belongs to, empty when unknown. */
    public TaskSnapshot(String thread, String vertex, int subtask, int parallelism, double backPressureRatio,
                        String backPressureLevel, int levelCode, int samples, int blockedSamples,
                        BufferPools pools, List<String> producedPartitions, List<String> consumedPartitions,
                        BusyCauses causes, Placement placement, String job, String jobId) {
        this(thread, vertex, subtask, parallelism, backPressureRatio, backPressureLevel, levelCode, samples,
                blockedSamples, pools, producedPartitions, consumedPartitions, causes, placement, job, jobId,
                TaskHistory.UNKNOWN);
    }

    /** {@code history}: as the agent kept it, {@link TaskHistory#UNKNOWN} when it did not. */
    public TaskSnapshot(String thread, String vertex, int subtask, int parallelism, double backPressureRatio,
                        String backPressureLevel, int levelCode, int samples, int blockedSamples,
                        BufferPools pools, List<String> producedPartitions, List<String> consumedPartitions,
                        BusyCauses causes, Placement placement, String job, String jobId, TaskHistory history) {
        this.history = history;
        this.job = job == null ? "" : job;
        this.jobId = jobId == null ? "" : jobId;
        this.taskManager = placement.taskManager;
        this.host = placement.host;
        this.judgedBy = placement.judgedBy;
        this.producedPartitions = producedPartitions == null ? null : List.copyOf(producedPartitions);
        this.consumedPartitions = consumedPartitions == null ? null : List.copyOf(consumedPartitions);
        this.thread = thread;
        this.vertex = vertex;
        this.subtask = subtask;
        this.parallelism = parallelism;
        this.backPressureRatio = backPressureRatio;
        this.backPressureLevel = backPressureLevel;
        this.levelCode = levelCode;
        this.samples = samples;
        this.blockedSamples = blockedSamples;
        this.outPoolUsage = pools.outPoolUsage;
        this.inPoolUsage = pools.inPoolUsage;
        this.floatingBuffersUsage = pools.floatingBuffersUsage;
        this.exclusiveBuffersUsage = pools.exclusiveBuffersUsage;
        this.hardBackPressureRatio = pools.hardBackPressureRatio;
        this.softBackPressureRatio = pools.softBackPressureRatio;
        this.idleRatio = pools.idleRatio;
        this.busyRatio = pools.busyRatio;
        this.backPressuredTimeMsPerSecond = pools.backPressuredTimeMsPerSecond;
        this.bufferWaitP50Micros = pools.bufferWaitP50Micros;
        this.bufferWaitP99Micros = pools.bufferWaitP99Micros;
        this.bufferWaitMaxMicros = pools.bufferWaitMaxMicros;
        this.remoteInputChannels = pools.remoteInputChannels;
        this.cpuRatio = causes.cpuRatio;
        this.gcRatio = causes.gcRatio;
        this.lockRatio = causes.lockRatio;
        this.ioRatio = causes.ioRatio;
        this.sleepRatio = causes.sleepRatio;
        this.externalWaitRatio = causes.externalWaitRatio;
        this.otherBusyRatio = causes.otherBusyRatio;
        this.cause = causes.cause;
        this.lockOwner = causes.lockOwner;
        this.lockClass = causes.lockClass;
        this.hotFrames = causes.hotFrames;
        this.recordsIn = causes.recordsIn;
    }

    /** The same subtask with another history (e.g. limited by {@code --since}). */
    public TaskSnapshot withHistory(TaskHistory other) {
        return new TaskSnapshot(thread, vertex, subtask, parallelism, backPressureRatio, backPressureLevel, levelCode,
                samples, blockedSamples, new BufferPools(outPoolUsage, inPoolUsage, floatingBuffersUsage,
                        exclusiveBuffersUsage, hardBackPressureRatio, softBackPressureRatio, idleRatio, busyRatio,
                        backPressuredTimeMsPerSecond, bufferWaitP50Micros, bufferWaitP99Micros, bufferWaitMaxMicros,
                        remoteInputChannels), producedPartitions, consumedPartitions,
                new BusyCauses(cpuRatio, gcRatio, lockRatio, ioRatio, sleepRatio, externalWaitRatio, otherBusyRatio,
                        cause, lockOwner, lockClass, hotFrames, recordsIn),
                new Placement(taskManager, host, judgedBy), job, jobId, other);
    }

    /** The share of the window of one cause of the busy time; 0 for {@link Cause#NONE} and the job-level causes. */
    public double ratio(Cause of) {
        switch (of) {
            case CPU:
                return cpuRatio;
            case GC:
                return gcRatio;
            case LOCK:
                return lockRatio;
            case IO:
                return ioRatio;
            case SLEEP:
                return sleepRatio;
            case EXTERNAL_WAIT:
                return externalWaitRatio;
            case OTHER:
                return otherBusyRatio;
            default:
                return 0;
        }
    }

    @Override
    public String toString() {
        return thread + " [" + backPressureLevel + " " + blockedSamples + "/" + samples
                + String.format(" hard %.2f soft %.2f idle %.2f busy %.2f out %.2f in %.2f floating %.2f exclusive %.2f"
                                + " bp %.0f ms/s wait p50 %.0f p99 %.0f max %.0f us remote %d"
                                + " cpu %.2f gc %.2f lock %.2f io %.2f sleep %.2f external %.2f other %.2f cause %s"
                                + " lock owner '%s' records in %d hot %s]",
                        hardBackPressureRatio, softBackPressureRatio, idleRatio, busyRatio, outPoolUsage, inPoolUsage,
                        floatingBuffersUsage, exclusiveBuffersUsage, backPressuredTimeMsPerSecond,
                        bufferWaitP50Micros, bufferWaitP99Micros, bufferWaitMaxMicros, remoteInputChannels,
                        cpuRatio, gcRatio, lockRatio, ioRatio, sleepRatio, externalWaitRatio, otherBusyRatio, cause,
                        lockOwner, recordsIn, hotFrames);
    }

    /** Where a subtask runs and what judged it: for a job read across TaskManagers. */
    public static final class Placement {
        /** The agent's own window (its MBeans, or its Flink metrics). */
        public static final String BY_AGENT = "agent";
        /** Flink's own time metrics (1.13+), without the agent. */
        public static final String BY_FLINK = "flink";
        /** Neither: no level. */
        public static final String BY_NONE = "none";
        static final Placement LOCAL = new Placement(null, null, BY_AGENT);

        final String taskManager;
        final String host;
        final String judgedBy;

        public Placement(String taskManager, String host, String judgedBy) {
            this.taskManager = taskManager;
            this.host = host;
            this.judgedBy = judgedBy;
        }
    }

    /** The buffer-pool instrumentation's values of one subtask (the attributes of the same names). */
    public static final class BufferPools {
        final double outPoolUsage;
        final double inPoolUsage;
        final double floatingBuffersUsage;
        final double exclusiveBuffersUsage;
        final double hardBackPressureRatio;
        final double softBackPressureRatio;
        final double idleRatio;
        final double busyRatio;
        final double backPressuredTimeMsPerSecond;
        final double bufferWaitP50Micros;
        final double bufferWaitP99Micros;
        final double bufferWaitMaxMicros;
        final int remoteInputChannels;

        public BufferPools(double outPoolUsage, double inPoolUsage, double floatingBuffersUsage,
                           double exclusiveBuffersUsage, double hardBackPressureRatio, double softBackPressureRatio,
                           double idleRatio, double busyRatio, double backPressuredTimeMsPerSecond,
                           double bufferWaitP50Micros, double bufferWaitP99Micros, double bufferWaitMaxMicros,
                           int remoteInputChannels) {
            this.outPoolUsage = outPoolUsage;
            this.inPoolUsage = inPoolUsage;
            this.floatingBuffersUsage = floatingBuffersUsage;
            this.exclusiveBuffersUsage = exclusiveBuffersUsage;
            this.hardBackPressureRatio = hardBackPressureRatio;
            this.softBackPressureRatio = softBackPressureRatio;
            this.idleRatio = idleRatio;
            this.busyRatio = busyRatio;
            this.backPressuredTimeMsPerSecond = backPressuredTimeMsPerSecond;
            this.bufferWaitP50Micros = bufferWaitP50Micros;
            this.bufferWaitP99Micros = bufferWaitP99Micros;
            this.bufferWaitMaxMicros = bufferWaitMaxMicros;
            this.remoteInputChannels = remoteInputChannels;
        }
    }

    /** Why the subtask is busy (the attributes of the same names): the busy share split by cause, and the evidence. */
    public static final class BusyCauses {
        final double cpuRatio;
        final double gcRatio;
        final double lockRatio;
        final double ioRatio;
        final double sleepRatio;
        final double externalWaitRatio;
        final double otherBusyRatio;
        final Cause cause;
        final String lockOwner;
        final String lockClass;
        final List<String> hotFrames;
        final long recordsIn;

        public BusyCauses(double cpuRatio, double gcRatio, double lockRatio, double ioRatio, double sleepRatio,
                          double externalWaitRatio, double otherBusyRatio, Cause cause, String lockOwner,
                          String lockClass, List<String> hotFrames, long recordsIn) {
            this.cpuRatio = cpuRatio;
            this.gcRatio = gcRatio;
            this.lockRatio = lockRatio;
            this.ioRatio = ioRatio;
            this.sleepRatio = sleepRatio;
            this.externalWaitRatio = externalWaitRatio;
            this.otherBusyRatio = otherBusyRatio;
            this.cause = cause;
            this.lockOwner = lockOwner;
            this.lockClass = lockClass;
            this.hotFrames = List.copyOf(hotFrames);
            this.recordsIn = recordsIn;
        }
    }
}

package dev.chokepoint.agent.flink;

import dev.chokepoint.agent.log.AgentLog;

import java.lang.ref.WeakReference;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.Future;

/**
 * One running Flink task's network side: its result partitions (output) and input gates, held
 * weakly, and Flink's buffer-usage gauges computed from them on demand. Every read is lock-free
 * (Flink's own gauges take the pool lock for the pool size; we read the field) and tolerates the
 * differences between Flink versions; what cannot be read is NaN, said once in the log.
 */
public final class FlinkTask {

    static final String TASK = "org.apache.flink.runtime.taskmanager.Task";
    static final String REMOTE_INPUT_CHANNEL =
            "org.apache.flink.runtime.io.network.partition.consumer.RemoteInputChannel";

    /** 1.13+ name first, then 1.9–1.12's. */
    private static final String[] PARTITION_FIELDS = {"partitionWriters", "consumableNotifyingPartitionWriters"};
    /** Wrappers around the real partition or gate, by version: decorator (1.9–1.12), metrics wrapper (all). */
    private static final String[] WRAPPED_FIELDS = {"partitionWriter", "inputGate"};

    /** Retries of the mailbox binding: the task builds its mailbox on its own thread once it runs. */
    private static final int MAILBOX_TRIES = 400;

    private final WeakReference<Object> task;
    private final List<WeakReference<Object>> partitions;
    private final List<WeakReference<Object>> gates;
    private TaskMailbox mailbox;
    private int mailboxTries;
    private volatile WeakReference<Object> recordsInCounter;
    /**
     * The partition IDs, once read: a task's partitions and its channels' producers are fixed for its
     * life (a recovered or unknown channel that becomes a real one keeps its partition), and building
     * one string per channel is most of a read at 10,000 channels. Null until read with a result.
     */
    private volatile String[] produced;
    private volatile String[] consumed;

    private FlinkTask(Object task, List<WeakReference<Object>> partitions, List<WeakReference<Object>> gates) {
        this.task = new WeakReference<>(task);
        this.partitions = partitions;
        this.gates = gates;
    }

    /**
     * The task's mailbox, bound on first success; null until the task has built it, or for good
     * when it has none. Sampler thread only.
     */
    public TaskMailbox mailbox() {
        if (mailbox == null && mailboxTries < MAILBOX_TRIES) {
            mailboxTries++;
            Object t = task.get();
            mailbox = t == null ? null : TaskMailbox.of(t);
        }
        return mailbox;
    }

    /** Flink's {@code numRecordsIn} of the task (its IO metric group's counter); -1 when unreadable. */
    public long recordsIn() {
        try {
            WeakReference<Object> ref = recordsInCounter;
            Object counter = ref == null ? null : ref.get();
            if (counter == null) {
                counter = TaskMailbox.call(TaskMailbox.ioMetrics(task.get()), "getNumRecordsInCounter");
                if (counter == null) {
                    return -1L;
                }
                recordsInCounter = new WeakReference<>(counter);
            }
            Object count = TaskMailbox.call(counter, "getCount");
            return count instanceof Number ? ((Number) count).longValue() : -1L;
        } catch (Throwable t) {
            return -1L;
        }
    }

    /**
     * The task's own metric group ({@code Task.getMetricGroup()}), for the sampler to register in;
     * not to be kept, it would keep the task.
     *
     * @throws ReflectiveOperationException when the task has ended or its group cannot be reached
     */
    public FlinkMetricGroup metricGroup() throws ReflectiveOperationException {
        return FlinkMetricGroup.ofTask(task.get());
    }

    /** The network side of {@code runnable} when it is a Flink {@code Task}, else null. */
    public static FlinkTask of(Object runnable) {
        if (runnable == null || !Members.of(runnable.getClass()).isA(TASK)) {
            return null;
        }
        try {
            Members task = Members.of(runnable.getClass());
            Field partitionsField = null;
            for (String name : PARTITION_FIELDS) {
                partitionsField = partitionsField != null ? partitionsField : task.field(name);
            }
            Field gatesField = task.field("inputGates");
            if (partitionsField == null || gatesField == null) {
                unsupported("task-fields", "Task has no partition writers or input gates field");
                return null;
            }
            return new FlinkTask(runnable, unwrapAll(partitionsField.get(runnable)), unwrapAll(gatesField.get(runnable)));
        } catch (Throwable t) {
            unsupported("task", "cannot read a Task's partitions and gates: " + t);
            return null;
        }
    }

    /** Σ used / Σ size over the output pools (Flink's outPoolUsage), NaN without outputs. */
    public double outPoolUsage() {
        if (partitions.isEmpty()) {
            return Double.NaN;
        }
        try {
            long used = 0;
            long size = 0;
            for (WeakReference<Object> ref : partitions) {
                Object pool = bufferPool(ref.get());
                if (pool != null) {
                    used += used(pool);
                    size += size(pool);
                }
            }
            return size == 0 ? 0.0 : (double) used / size;
        } catch (Throwable t) {
            unsupported("output", "cannot read output buffer pools: " + t);
            return Double.NaN;
        }
    }

    /** True when some output pool is unavailable: the task could not write a buffer now. */
    public boolean outputUnavailable() {
        try {
            for (WeakReference<Object> ref : partitions) {
                Object partition = ref.get();
                if (partition == null) {
                    continue;
                }
                Method availableFuture = Members.of(partition.getClass()).method("getAvailableFuture");
                if (availableFuture == null) {
                    return false; // Flink ≤1.9: no availability, a backpressured task blocks hard instead
                }
                Future<?> future = (Future<?>) availableFuture.invoke(partition);
                if (future != null && !future.isDone()) {
                    return true;
                }
            }
            return false;
        } catch (Throwable t) {
            unsupported("availability", "cannot read output availability: " + t);
            return false;
        }
    }

    /** Flink's floating / exclusive buffer counts over the input gates; null without inputs. */
    public InputBuffers inputBuffers() {
        if (gates.isEmpty()) {
            return null;
        }
        try {
            int remoteChannels = 0;
            long floatingUsed = 0;
            long floatingTotal = 0;
            long exclusiveUsed = 0;
            long exclusiveTotal = 0;
            for (WeakReference<Object> ref : gates) {
                Object gate = ref.get();
                Object pool = bufferPool(gate);
                if (pool == null) {
                    continue;
                }
                long floatingAvailable = 0;
                // Channels of a gate are of one or two classes: their methods are looked up once per
                // class change, not per channel, so that a read stays linear and cheap at 10,000 channels.
                Class<?> lastClass = null;
                Method floating = null;
                Method exclusive = null;
                Method credit = null;
                for (Object channel : channels(gate)) {
                    if (channel.getClass() != lastClass) {
                        lastClass = channel.getClass();
                        Members members = Members.of(lastClass);
                        boolean remote = members.isA(REMOTE_INPUT_CHANNEL);
                        floating = remote ? required(members, "unsynchronizedGetFloatingBuffersAvailable") : null;
                        exclusive = remote ? required(members, "unsynchronizedGetExclusiveBuffersUsed") : null;
                        credit = remote ? required(members, "getInitialCredit") : null;
                    }
                    if (floating == null) {
                        continue;
                    }
                    remoteChannels++;
                    floatingAvailable += ((Number) floating.invoke(channel)).intValue();
                    exclusiveUsed += ((Number) exclusive.invoke(channel)).intValue();
                    exclusiveTotal += ((Number) credit.invoke(channel)).intValue();
                }
                floatingUsed += Math.max(0, used(pool) - floatingAvailable);
                floatingTotal += size(pool);
            }
            return new InputBuffers(floatingUsed, floatingTotal, exclusiveUsed, exclusiveTotal, remoteChannels);
        } catch (Throwable t) {
            unsupported("input", "cannot read input buffer pools: " + t);
            return null;
        }
    }

    /**
     * The IDs of the result partitions this task writes (Flink's IntermediateResultPartitionID, as
     * text): a consumer lists the same IDs in {@link #consumedPartitions()}, which gives the edges
     * between subtasks, and so between vertices, in every Flink version.
     */
    public String[] producedPartitions() {
        String[] known = produced;
        if (known != null) {
            return known.clone();
        }
        try {
            Set<String> ids = new LinkedHashSet<>();
            for (WeakReference<Object> ref : partitions) {
                addPartitionId(ref.get(), ids);
            }
            return remember(ids, true);
        } catch (Throwable t) {
            unsupported("topology", "cannot read partition IDs: " + t);
            return new String[0];
        }
    }

    /** The IDs of the result partitions this task's input channels read. */
    public String[] consumedPartitions() {
        String[] known = consumed;
        if (known != null) {
            return known.clone();
        }
        try {
            // A set: a gate has a channel per producer subtask, most of them reading the same partition.
            Set<String> ids = new LinkedHashSet<>();
            for (WeakReference<Object> ref : gates) {
                Object gate = ref.get();
                if (gate == null) {
                    continue;
                }
                Class<?> lastClass = null;
                Method resultPartitionId = null;
                for (Object channel : channels(gate)) {
                    if (channel.getClass() != lastClass) {
                        lastClass = channel.getClass();
                        resultPartitionId = Members.of(lastClass).method("getPartitionId");
                    }
                    Object id = resultPartitionId == null ? null : resultPartitionId.invoke(channel);
                    addIntermediateId(id, ids);
                }
            }
            return remember(ids, false);
        } catch (Throwable t) {
            unsupported("topology", "cannot read partition IDs: " + t);
            return new String[0];
        }
    }

    /** Keeps a non-empty result for the task's life (see {@link #produced}); an empty one is read again. */
    private String[] remember(Set<String> ids, boolean producedSide) {
        String[] result = ids.toArray(new String[0]);
        if (result.length > 0) {
            if (producedSide) {
                produced = result;
            } else {
                consumed = result;
            }
            return result.clone();
        }
        return result;
    }

    /** {@code ResultPartitionID.getPartitionId()}: the producer's partition, the same object on both sides. */
    private static void addPartitionId(Object partitionOrChannel, Set<String> ids) throws Exception {
        if (partitionOrChannel == null) {
            return;
        }
        Method resultPartitionId = Members.of(partitionOrChannel.getClass()).method("getPartitionId");
        addIntermediateId(resultPartitionId == null ? null : resultPartitionId.invoke(partitionOrChannel), ids);
    }

    /** The {@code IntermediateResultPartitionID} of a {@code ResultPartitionID}, as text. */
    private static void addIntermediateId(Object id, Set<String> ids) throws Exception {
        Method partitionId = id == null ? null : Members.of(id.getClass()).method("getPartitionId");
        Object intermediate = partitionId == null ? null : partitionId.invoke(id);
        if (intermediate != null) {
            ids.add(intermediate.toString());
        }
    }

    private static Object bufferPool(Object partitionOrGate) throws Exception {
        if (partitionOrGate == null) {
            return null;
        }
        Method getBufferPool = Members.of(partitionOrGate.getClass()).method("getBufferPool");
        return getBufferPool == null ? null : getBufferPool.invoke(partitionOrGate);
    }

    private static long used(Object pool) throws Exception {
        return intCall(Members.of(pool.getClass()), pool, "bestEffortGetNumOfUsedBuffers");
    }

    /** The pool's current size, read without the pool lock that {@code getNumBuffers()} takes. */
    private static long size(Object pool) throws Exception {
        Members members = Members.of(pool.getClass());
        Field currentPoolSize = members.field("currentPoolSize");
        return currentPoolSize != null ? currentPoolSize.getInt(pool) : intCall(members, pool, "getNumBuffers");
    }

    private static Collection<?> channels(Object gate) throws Exception {
        Members members = Members.of(gate.getClass());
        Method count = members.method("getNumberOfInputChannels");
        Method channel = members.method("getChannel", int.class);
        if (count != null && channel != null) { // 1.12+: by index, no copy
            int n = ((Number) count.invoke(gate)).intValue();
            List<Object> channels = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Object c = channel.invoke(gate, i);
                if (c != null) {
                    channels.add(c);
                }
            }
            return channels;
        }
        Method inputChannels = members.method("getInputChannels"); // 1.9: the live map
        if (inputChannels == null) {
            throw new NoSuchMethodException(gate.getClass().getName() + " has neither getChannel(int) nor getInputChannels()");
        }
        return ((Map<?, ?>) inputChannels.invoke(gate)).values();
    }

    private static Method required(Members members, String method) throws NoSuchMethodException {
        Method m = members.method(method);
        if (m == null) {
            throw new NoSuchMethodException(method + "()");
        }
        return m;
    }

    private static int intCall(Members members, Object target, String method) throws Exception {
        Method m = members.method(method);
        if (m == null) {
            throw new NoSuchMethodException(target.getClass().getName() + "." + method + "()");
        }
        return ((Number) m.invoke(target)).intValue();
    }

    private static List<WeakReference<Object>> unwrapAll(Object array) throws IllegalAccessException {
        List<WeakReference<Object>> refs = new ArrayList<>();
        if (array == null) {
            return refs;
        }
        for (int i = 0; i < Array.getLength(array); i++) {
            Object element = unwrap(Array.get(array, i));
            if (element != null) {
                refs.add(new WeakReference<>(element));
            }
        }
        return refs;
    }

    /** Follows Flink's wrappers down to the object that has the buffer pool. */
    private static Object unwrap(Object element) throws IllegalAccessException {
        for (int depth = 0; element != null && depth < 4; depth++) {
            Members members = Members.of(element.getClass());
            if (members.method("getBufferPool") != null) {
                return element;
            }
            Field wrapped = null;
            for (String name : WRAPPED_FIELDS) {
                wrapped = wrapped != null ? wrapped : members.field(name);
            }
            if (wrapped == null) {
                return null;
            }
            element = wrapped.get(element);
        }
        return null;
    }

    private static void unsupported(String kind, String what) {
        AgentLog.errorOnce("flink:" + kind, "buffer-pool metrics unavailable on this Flink version: " + what
                + " (reported once; those values are NaN, sampling goes on)");
    }

    /** Flink's credit-based input buffer counts. */
    public static final class InputBuffers {
        public final long floatingUsed;
        public final long floatingTotal;
        public final long exclusiveUsed;
        public final long exclusiveTotal;
        /** Channels that read over the network; local ones hold no buffers of their own, so all-local inputs read 0. */
        public final int remoteChannels;

        InputBuffers(long floatingUsed, long floatingTotal, long exclusiveUsed, long exclusiveTotal, int remoteChannels) {
            this.floatingUsed = floatingUsed;
            this.floatingTotal = floatingTotal;
            this.exclusiveUsed = exclusiveUsed;
            this.exclusiveTotal = exclusiveTotal;
            this.remoteChannels = remoteChannels;
        }

        public double floatingUsage() {
            return ratio(floatingUsed, floatingTotal);
        }

        public double exclusiveUsage() {
            return ratio(exclusiveUsed, exclusiveTotal);
        }

        public double inPoolUsage() {
            return ratio(floatingUsed + exclusiveUsed, floatingTotal + exclusiveTotal);
        }

        private static double ratio(long used, long total) {
            return total == 0 ? 0.0 : (double) used / total;
        }
    }
}

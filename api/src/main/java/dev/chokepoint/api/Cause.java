package dev.chokepoint.api;

/**
 * Why a subtask is busy, or (for the job's origin) why the bottleneck is slow: the causes the seed
 * article's "What to do with backpressure?" box lists, each with what to do about it.
 */
public enum Cause {
    /** Running on a CPU: a CPU-bound operator. */
    CPU("profile the hot code (HotFrames shows where), optimise it, or scale out: more parallelism or machines"),
    /** Stopped by the JVM's garbage-collection pauses (JVM-wide: every task pauses at once). */
    GC("tune the heap and the collector (GC logs, heap size, allocation rate of the operator), or scale out"),
    /** Blocked on a monitor or parked on a lock another thread owns. */
    LOCK("reduce contention on the shared lock (LockOwner names its owner); avoid synchronisation in user code"),
    /** Runnable but not on a CPU: in a socket or file read or write, waiting for an external system or the disk. */
    IO("the external system or disk it reads and writes is the limit: batch or cache its calls, use async I/O, or scale it"),
    /** In {@code Thread.sleep}: throttling or retry back-off. */
    SLEEP("remove or shorten the sleep (throttling, retry back-off) in the operator"),
    /** Waiting for results of asynchronous requests or to hand data to a client: a full async I/O queue, producer buffer or bounded queue. */
    EXTERNAL_WAIT("the service or client it waits for is the limit: raise its capacity or the in-flight limit, or scale it"),
    /** Busy, none of the above. */
    OTHER("profile the subtask (HotFrames shows where its busy samples were)"),
    /** Some subtasks of the origin are busy while others are not: load imbalance. */
    SKEW("re-key to spread the hot keys, or pre-aggregate (local aggregation) before the keyBy"),
    /** The seed's tables: upstream output pools full, all receivers' input pools low, remote channels. */
    NETWORK("the network between the TaskManagers is the limit: check its bandwidth, raise buffers-per-channel / floating buffers"),
    /** The window cannot tell. */
    UNKNOWN("wait for a full window, or read the subtask figures"),
    /** Not busy. */
    NONE("");

    private final String advice;

    Cause(String advice) {
        this.advice = advice;
    }

    /** One line of what to do, drawn from the seed article's box; empty for {@link #NONE}. */
    public String advice() {
        return advice;
    }
}

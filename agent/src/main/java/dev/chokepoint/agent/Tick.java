package dev.chokepoint.agent;

import dev.chokepoint.agent.aggregate.SubtaskRegistry;
import dev.chokepoint.agent.aggregate.SubtaskState;
import dev.chokepoint.agent.aggregate.TaskBinding;
import dev.chokepoint.agent.classify.BufferRequestFrames;
import dev.chokepoint.agent.classify.ThreadState;
import dev.chokepoint.agent.config.AgentConfig;
import dev.chokepoint.agent.discover.KnownThreads;
import dev.chokepoint.agent.discover.TaskAttempts;
import dev.chokepoint.agent.discover.TaskThreadName;
import dev.chokepoint.agent.discover.TaskThreadSelector;
import dev.chokepoint.agent.discover.ThreadEnumerator;
import dev.chokepoint.agent.export.FlinkMetricsPublisher;
import dev.chokepoint.agent.export.SamplerStatistics;
import dev.chokepoint.agent.export.TaskMBeans;
import dev.chokepoint.agent.flink.FlinkTask;
import dev.chokepoint.agent.flink.TaskOwners;
import dev.chokepoint.agent.flink.TaskMailbox;
import dev.chokepoint.agent.aggregate.GcPauses;
import dev.chokepoint.agent.instrument.FlinkProbes;
import dev.chokepoint.agent.instrument.ThreadWaits;
import dev.chokepoint.agent.log.AgentLog;
import dev.chokepoint.agent.sample.StackSampler;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * One sampling pass over the JVM's threads: discover the task threads, sample and classify each,
 * aggregate the samples per subtask, export. Owned by the sampler thread, so its state needs no locks.
 */
final class Tick implements StackSampler.Sink {

    /** About how often each subtask's CPU time and the JVM's GC time are read. */
    static final long CHECKPOINT_MILLIS = 1000;
    /** About how often the stacks of a few busy threads are read for their hot frames, and how many, how deep. */
    static final long HOT_READ_MILLIS = 500;
    static final int HOT_THREADS = 8;
    static final int HOT_DEPTH = 24;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final ThreadEnumerator enumerator = new ThreadEnumerator();
    /** What the previous tick made of each thread: most threads need no name or task lookup. */
    private final KnownThreads known = new KnownThreads();
    private final StackSampler sampler = new StackSampler(threads);
    private final SubtaskState.CpuClock cpuClock = new SubtaskState.CpuClock() {
        @Override
        public long cpuNanos(long threadId) {
            return threads.getThreadCpuTime(threadId);
        }
    };
    private final GcPauses gc = new GcPauses(2);
    /** This tick's candidates for a hot-frame read: busy threads, a uniform choice of at most HOT_THREADS. */
    private final long[] hotIds = new long[HOT_THREADS];
    private final SubtaskState[] hotSubtasks = new SubtaskState[HOT_THREADS];
    private int hotSeen;
    private long random = 0x9E3779B97F4A7C15L;
    private boolean hotTick;
    private long ticksPerCheckpoint = 1;
    private long ticksPerHotRead = 1;
    private final FlinkProbes probes;
    private final SubtaskRegistry registry;
    private final TaskBinding binding;
    private final TaskAttempts attempts;
    /** The names of the task-named threads {@link #discoverAndSample} put aside, by their slot in the enumerator. */
    private TaskThreadName[] deferred = new TaskThreadName[64];
    private final TaskMBeans mbeans;
    private final FlinkMetricsPublisher flinkMetrics;
    private final SamplerStatistics statistics;

    private AgentConfig config;
    private TaskThreadSelector selector;
    private BufferRequestFrames frames;
    private long tick;
    /** Set by new settings: every subtask's level is published after the next tick, not only the changed ones'. */
    private boolean levelsStale = true;
    private long startNanos;
    private long previousStartNanos;

    Tick(AgentConfig config, FlinkProbes probes, TaskMBeans mbeans, FlinkMetricsPublisher flinkMetrics,
         SamplerStatistics statistics) {
        this.probes = probes;
        this.mbeans = mbeans;
        this.flinkMetrics = flinkMetrics;
        this.statistics = statistics;
        this.registry = new SubtaskRegistry(config.samples(), mbeans);
        this.binding = new TaskBinding(probes.runnables());
        this.attempts = new TaskAttempts(probes.runnables() == null ? null : new TaskOwners(probes.runnables()));
        this.previousStartNanos = System.nanoTime();
        configure(config);
    }

    void run(long tickStartNanos) {
        tick++;
        startNanos = tickStartNanos;
        hotTick = tick % ticksPerHotRead == 0;
        discoverAndSample();
        readHotFrames();
        // tells the MBeans of the subtasks whose counts changed, so that they publish their level
        registry.endTick(tick, startNanos - previousStartNanos, checkpoint());
        previousStartNanos = startNanos;
        if (levelsStale) {
            levelsStale = false;
            mbeans.publishLevels(); // new thresholds: any level may have changed
        }
        mbeans.recordHistory(startNanos);
        forgetEnded();
        statistics.tickDone(sampler.takeSampledCount(), sampler.takeWalkedCount(), registry.size());
    }

    /** Each task thread is sampled as it is found; the few its state cannot settle are walked together at the end. */
    private void discoverAndSample() {
        // Only trust the recorder while it records: with timing off, the stacks tell.
        boolean timing = probes.timing();
        int count = enumerator.enumerate();
        int ownerless = 0;
        try {
            for (int i = 0; i < count; i++) {
                Thread thread = enumerator.get(i);
                try {
                    ThreadGroup group = thread.getThreadGroup();
                    if (group == null) {
                        continue; // ended while we looked
                    }
                    long id = thread.getId();
                    String threadName = thread.getName();
                    int entry = known.find(id, threadName);
                    TaskThreadName byName;
                    TaskThreadName subtask;
                    if (entry >= 0) {
                        byName = known.byName(entry);
                        subtask = known.subtask(entry);
                    } else {
                        String groupName = group.getName();
                        byName = selector.identify(threadName, groupName);
                        subtask = byName == null ? null : attempts.identify(thread, byName,
                                TaskThreadSelector.FLINK_TASK_THREAD_GROUP.equals(groupName));
                    }
                    known.keep(id, threadName, byName, subtask);
                    if (byName == null) {
                        continue;
                    }
                    if (subtask != null) {
                        sample(thread, subtask, timing);
                    } else if (!attempts.tasksSeen()) {
                        // A task-named thread that runs no Flink Task: a connector's helper in a
                        // TaskManager, or a stand-in in a JVM without Flink. Decided once every
                        // thread of the tick has been looked at.
                        enumerator.set(ownerless, thread);
                        deferred = ownerless < deferred.length ? deferred : Arrays.copyOf(deferred, deferred.length * 2);
                        deferred[ownerless++] = byName;
                    }
                } catch (Throwable t) {
                    // One thread we cannot read (e.g. a name the threads regex cannot handle) costs
                    // that thread's sample, not the tick.
                    failed(t, statistics);
                }
            }
            if (!attempts.tasksSeen()) {
                sampleByName(ownerless, timing);
            }
            sampler.finish(frames, config.depth(), this);
        } finally {
            enumerator.clear();
            known.endTick();
        }
    }

    /** No thread ran a Flink Task: the task-named threads of Flink's group are known by name only. */
    private void sampleByName(int ownerless, boolean timing) {
        for (int i = 0; i < ownerless; i++) {
            try {
                sample(enumerator.get(i), deferred[i], timing);
            } catch (Throwable t) {
                failed(t, statistics);
            }
        }
        Arrays.fill(deferred, 0, ownerless, null);
    }

    private void sample(Thread thread, TaskThreadName subtask, boolean timing) {
        ThreadWaits waits = timing ? probes.recorder().forThread(thread.getId()) : null;
        sampler.add(thread, subtask, waits, mailbox(subtask), frames, this);
    }

    /** The mailbox of the subtask's Flink task, once the subtask is bound and its task has built one. */
    private TaskMailbox mailbox(TaskThreadName subtask) {
        SubtaskState known = registry.get(subtask);
        FlinkTask task = known == null ? null : known.task();
        return task == null ? null : task.mailbox();
    }

    /** A classified sample of one thread: into its subtask's window. */
    @Override
    public void sampled(Thread thread, TaskThreadName subtask, ThreadState state, ThreadWaits waits, String lockClass,
                        String lockOwner) {
        boolean legacySource = subtask.legacySourceThread();
        long id = thread.getId();
        SubtaskState subtaskState = registry.observe(subtask, tick, legacySource, id, state, waits, lockClass,
                lockOwner, startNanos);
        if (binding.bindIfNeeded(subtaskState, thread, legacySource)) {
            flinkMetrics.bound(subtaskState);
        }
        if (hotTick && state.busy()) {
            offerHot(id, subtaskState);
        }
    }

    /** Reservoir sampling: every busy thread of the tick has the same chance to be read. */
    private void offerHot(long threadId, SubtaskState subtask) {
        int slot = hotSeen < HOT_THREADS ? hotSeen : (int) Long.remainderUnsigned(nextRandom(), hotSeen + 1);
        hotSeen++;
        if (slot < HOT_THREADS) {
            hotIds[slot] = threadId;
            hotSubtasks[slot] = subtask;
        }
    }

    private long nextRandom() {
        random ^= random << 13;
        random ^= random >>> 7;
        random ^= random << 17;
        return random;
    }

    /** One bounded, batched stack read of the chosen busy threads: their hot frames. */
    private void readHotFrames() {
        int n = Math.min(hotSeen, HOT_THREADS);
        hotSeen = 0;
        if (n == 0) {
            return;
        }
        try {
            ThreadInfo[] infos = threads.getThreadInfo(Arrays.copyOf(hotIds, n), HOT_DEPTH);
            for (int i = 0; i < n; i++) {
                if (infos[i] != null && infos[i].getThreadState() != Thread.State.TERMINATED) {
                    hotSubtasks[i].hotStack(infos[i].getStackTrace(),
                            infos[i].getThreadState() == Thread.State.RUNNABLE, tick);
                }
            }
        } finally {
            Arrays.fill(hotSubtasks, null);
        }
    }

    /** About once a second: the moment every subtask reads its CPU time, with the JVM's GC share. */
    private SubtaskState.Checkpoint checkpoint() {
        if (tick % ticksPerCheckpoint != 0) {
            return null;
        }
        long now = System.nanoTime();
        gc.checkpoint(now);
        return new SubtaskState.Checkpoint(now, cpuClock, gc.fraction());
    }

    private void forgetEnded() {
        selector.endTick();
        if (tick % config.samples() == 0) {
            probes.recorder().forgetEndedThreads();
        }
    }

    /** Ticks begun so far, failed ones included. */
    long count() {
        return tick;
    }

    AgentConfig config() {
        return config;
    }

    /** New settings, between two ticks. */
    void configure(AgentConfig newConfig) {
        AgentConfig old = config;
        config = newConfig;
        levelsStale = true;
        selector = new TaskThreadSelector(newConfig.threads());
        known.clear(); // the new selector may choose other threads
        frames = new BufferRequestFrames(newConfig.frames());
        ticksPerCheckpoint = Math.max(1L, CHECKPOINT_MILLIS / newConfig.delayMillis());
        ticksPerHotRead = Math.max(1L, HOT_READ_MILLIS / newConfig.delayMillis());
        // Enough CPU checkpoints to span one window of samples.
        int checkpoints = (int) Math.min(1024L, (newConfig.samples() + ticksPerCheckpoint - 1) / ticksPerCheckpoint);
        gc.resize(checkpoints + 1);
        if (old == null || newConfig.samples() != old.samples() || newConfig.delayMillis() != old.delayMillis()) {
            registry.resize(newConfig.samples(), checkpoints);
        }
        if (old != null && newConfig.flinkMetrics() && !old.flinkMetrics()) {
            flinkMetrics.publishAll();
        }
    }

    /** The agent stops: every subtask goes, with its MBean. */
    void clear() {
        known.clear();
        registry.clear();
    }

    static void failed(Throwable t, SamplerStatistics statistics) {
        statistics.failed();
        AgentLog.errorOnce("tick:" + t.getClass().getName(),
                "sampling error, sampling goes on: " + t + " (counted in SamplingErrors, reported once)");
    }
}

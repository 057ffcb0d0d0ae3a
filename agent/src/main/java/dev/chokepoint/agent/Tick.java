package dev.chokepoint.agent;

import dev.chokepoint.agent.aggregate.SubtaskRegistry;
import dev.chokepoint.agent.aggregate.SubtaskState;
import dev.chokepoint.agent.aggregate.TaskBinding;
import dev.chokepoint.agent.classify.BufferRequestFrames;
import dev.chokepoint.agent.classify.ThreadState;
import dev.chokepoint.agent.config.AgentConfig;
import dev.chokepoint.agent.discover.TaskThreadName;
import dev.chokepoint.agent.discover.TaskThreadSelector;
import dev.chokepoint.agent.discover.ThreadEnumerator;
import dev.chokepoint.agent.export.SamplerStatistics;
import dev.chokepoint.agent.export.TaskMBeans;
import dev.chokepoint.agent.instrument.FlinkProbes;
import dev.chokepoint.agent.instrument.ThreadWaits;
import dev.chokepoint.agent.log.AgentLog;
import dev.chokepoint.agent.sample.StackSampler;

import java.lang.management.ManagementFactory;

/**
 * One sampling pass over the JVM's threads: discover the task threads, sample and classify each,
 * aggregate the samples per subtask, export. Owned by the sampler thread, so its state needs no locks.
 */
final class Tick implements StackSampler.Sink {

    private final ThreadEnumerator enumerator = new ThreadEnumerator();
    private final StackSampler sampler = new StackSampler(ManagementFactory.getThreadMXBean());
    private final FlinkProbes probes;
    private final SubtaskRegistry registry;
    private final TaskBinding binding;
    private final TaskMBeans mbeans;
    private final SamplerStatistics statistics;

    private AgentConfig config;
    private TaskThreadSelector selector;
    private BufferRequestFrames frames;
    private long tick;
    private long startNanos;
    private long previousStartNanos;

    Tick(AgentConfig config, FlinkProbes probes, TaskMBeans mbeans, SamplerStatistics statistics) {
        this.probes = probes;
        this.mbeans = mbeans;
        this.statistics = statistics;
        this.registry = new SubtaskRegistry(config.samples(), mbeans);
        this.binding = new TaskBinding(probes.runnables());
        this.previousStartNanos = System.nanoTime();
        configure(config);
    }

    void run(long tickStartNanos) {
        tick++;
        startNanos = tickStartNanos;
        discoverAndSample();
        registry.endTick(tick, startNanos - previousStartNanos);
        previousStartNanos = startNanos;
        mbeans.publishLevels();
        forgetEnded();
        statistics.tickDone(sampler.takeSampledCount(), sampler.takeWalkedCount(), registry.size());
    }

    /** Each task thread is sampled as it is found; the few its state cannot settle are walked together at the end. */
    private void discoverAndSample() {
        // Only trust the recorder while it records: with timing off, the stacks tell.
        boolean timing = probes.timing();
        int count = enumerator.enumerate();
        try {
            for (int i = 0; i < count; i++) {
                Thread thread = enumerator.get(i);
                try {
                    ThreadGroup group = thread.getThreadGroup();
                    if (group == null) {
                        continue; // ended while we looked
                    }
                    TaskThreadName subtask = selector.identify(thread.getName(), group.getName());
                    if (subtask != null) {
                        ThreadWaits waits = timing ? probes.recorder().forThread(thread.getId()) : null;
                        sampler.add(thread, subtask, waits, frames, this);
                    }
                } catch (Throwable t) {
                    // One thread we cannot read (e.g. a name the threads regex cannot handle) costs
                    // that thread's sample, not the tick.
                    failed(t, statistics);
                }
            }
            sampler.finish(frames, config.depth(), this);
        } finally {
            enumerator.clear();
        }
    }

    /** A classified sample of one thread: into its subtask's window. */
    @Override
    public void sampled(Thread thread, TaskThreadName subtask, ThreadState state, ThreadWaits waits) {
        boolean legacySource = subtask.legacySourceThread();
        SubtaskState subtaskState = registry.observe(subtask, tick, legacySource, state, waits, startNanos);
        binding.bindIfNeeded(subtaskState, thread, legacySource);
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
        selector = new TaskThreadSelector(newConfig.threads());
        frames = new BufferRequestFrames(newConfig.frames());
        if (old != null && newConfig.samples() != old.samples()) {
            registry.resize(newConfig.samples());
        }
    }

    /** The agent stops: every subtask goes, with its MBean. */
    void clear() {
        registry.clear();
    }

    static void failed(Throwable t, SamplerStatistics statistics) {
        statistics.failed();
        AgentLog.errorOnce("tick:" + t.getClass().getName(),
                "sampling error, sampling goes on: " + t + " (counted in SamplingErrors, reported once)");
    }
}

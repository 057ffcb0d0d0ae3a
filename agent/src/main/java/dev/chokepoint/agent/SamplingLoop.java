package dev.chokepoint.agent;

import dev.chokepoint.agent.aggregate.SubtaskRegistry;
import dev.chokepoint.agent.aggregate.SubtaskState;
import dev.chokepoint.agent.classify.BufferRequestFrames;
import dev.chokepoint.agent.classify.ThreadState;
import dev.chokepoint.agent.config.AgentConfig;
import dev.chokepoint.agent.discover.TaskThreadName;
import dev.chokepoint.agent.discover.TaskThreadSelector;
import dev.chokepoint.agent.discover.ThreadEnumerator;
import dev.chokepoint.agent.export.MBeanExporter;
import dev.chokepoint.agent.export.TaskView;
import dev.chokepoint.agent.export.TickCost;
import dev.chokepoint.agent.flink.FlinkTask;
import dev.chokepoint.agent.flink.ThreadRunnables;
import dev.chokepoint.agent.instrument.FlinkProbes;
import dev.chokepoint.agent.instrument.ThreadWaits;
import dev.chokepoint.agent.sample.StackSampler;
import dev.chokepoint.bootstrap.ChokepointBridge;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The sampler thread: every {@code delay}, discover the task threads, sample them, classify the
 * samples, update each subtask's window and keep the MBeans in step. Everything here runs on this
 * one daemon thread, so the per-tick state needs no locks; a failing tick is counted and logged
 * once per kind, and the next tick runs as usual.
 */
final class SamplingLoop implements Runnable, SubtaskRegistry.Listener, StackSampler.Sink, TaskView.ConfigSource {

    static final String THREAD_NAME = "chokepoint-sampler";

    private final MBeanExporter exporter = new MBeanExporter();
    private final ThreadEnumerator enumerator = new ThreadEnumerator();
    private final StackSampler sampler = new StackSampler(ManagementFactory.getThreadMXBean());
    private final TickCost cost = new TickCost();
    private final SubtaskRegistry registry;
    private final AgentView agentView;
    private final FlinkProbes probes;
    private final Map<String, TaskView> views = new HashMap<>();

    private volatile AgentConfig config;
    private volatile AgentConfig pending;
    private volatile boolean running = true;
    private volatile Thread thread;
    private TaskThreadSelector selector;
    private BufferRequestFrames frames;
    private long tick;
    private long tickStartNanos;
    private long previousTickStartNanos;

    private volatile long ticks;
    private volatile long errors;
    private volatile int taskThreads;
    private volatile int walkedThreads;
    private volatile int subtasks;

    SamplingLoop(AgentConfig config, String version, FlinkProbes probes) {
        this.config = config;
        this.probes = probes;
        this.selector = new TaskThreadSelector(config.threads());
        this.frames = new BufferRequestFrames(config.frames());
        this.registry = new SubtaskRegistry(config.samples(), this);
        this.agentView = new AgentView(this, version);
    }

    void start() {
        thread = new Thread(this, THREAD_NAME);
        thread.setDaemon(true);
        // The host's class loaders are none of our business; do not pin the attaching thread's.
        thread.setContextClassLoader(null);
        thread.start();
    }

    /** Ends the sampler thread, which unregisters every MBean on its way out; true once it has ended. */
    boolean stop(long timeoutMillis) throws InterruptedException {
        running = false;
        LockSupport.unpark(thread);
        thread.join(timeoutMillis);
        return !thread.isAlive();
    }

    /** Takes effect at the next tick, on the sampler thread. */
    void reconfigure(AgentConfig newConfig) {
        pending = newConfig;
    }

    @Override
    public AgentConfig config() {
        return config;
    }

    /** The settings as of the last reconfiguration, even before the sampler has applied them. */
    AgentConfig latestConfig() {
        AgentConfig next = pending;
        return next != null ? next : config;
    }

    @Override
    public boolean timing() {
        return probes.timing();
    }

    @Override
    public void run() {
        exporter.register(MBeanExporter.AGENT_NAME, agentView);
        long next = System.nanoTime();
        previousTickStartNanos = next;
        try {
            loop(next);
        } finally {
            registry.clear();
            exporter.unregister(MBeanExporter.AGENT_NAME);
        }
    }

    private void loop(long first) {
        long next = first;
        while (running) {
            applyPendingConfig();
            long start = System.nanoTime();
            try {
                tick(start);
            } catch (Throwable t) {
                failed(t);
            }
            ticks = tick;
            reportBridgeFailures();
            long end = System.nanoTime();
            cost.record(end - start, config.samples());
            next += TimeUnit.MILLISECONDS.toNanos(config.delayMillis());
            if (next - end < 0) {
                next = end; // overran: skip the missed ticks rather than bunch them up
            }
            parkUntil(next);
        }
    }

    private void tick(long startNanos) {
        tick++;
        tickStartNanos = startNanos;
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
                    failed(t);
                }
            }
            sampler.finish(frames, config.depth(), this);
        } finally {
            enumerator.clear();
        }
        taskThreads = sampler.takeSampledCount();
        walkedThreads = sampler.takeWalkedCount();
        registry.endTick(tick, startNanos - previousTickStartNanos);
        previousTickStartNanos = startNanos;
        for (TaskView view : views.values()) {
            view.publishLevel();
        }
        selector.endTick();
        if (tick % config.samples() == 0) {
            probes.recorder().forgetEndedThreads();
        }
        subtasks = registry.size();
    }

    private void failed(Throwable t) {
        errors++;
        AgentLog.errorOnce("tick:" + t.getClass().getName(),
                "sampling error, sampling goes on: " + t + " (counted in SamplingErrors, reported once)");
    }

    /** The bridge cannot log (it lives in the bootstrap loader with nothing but the JDK): say it here, once. */
    private void reportBridgeFailures() {
        long failures = ChokepointBridge.handlerFailures();
        if (failures > 0) {
            AgentLog.errorOnce("bridge-handler", "a buffer-request handler failed inside Flink's request and was"
                    + " swallowed, Flink went on (counted in InstrumentationErrors, reported once)");
        }
    }

    @Override
    public void sampled(Thread thread, TaskThreadName subtask, ThreadState state, ThreadWaits waits) {
        SubtaskState subtaskState = registry.observe(subtask, tick, subtask.legacySourceThread(), state, waits,
                tickStartNanos);
        if (subtaskState.needsBinding() && !subtask.legacySourceThread()) {
            ThreadRunnables runnables = probes.runnables();
            subtaskState.bind(runnables == null ? null : FlinkTask.of(runnables.runnableOf(thread)));
        }
    }

    @Override
    public void added(SubtaskState subtask) {
        String name = subtask.name().subtaskName();
        TaskView view = new TaskView(subtask, this, MBeanExporter.taskName(name));
        views.put(name, view);
        exporter.register(MBeanExporter.taskName(name), view);
    }

    @Override
    public void removed(SubtaskState subtask) {
        String name = subtask.name().subtaskName();
        views.remove(name);
        exporter.unregister(MBeanExporter.taskName(name));
    }

    private void applyPendingConfig() {
        AgentConfig newConfig = pending;
        if (newConfig == null) {
            return;
        }
        pending = null;
        int oldSamples = config.samples();
        selector = new TaskThreadSelector(newConfig.threads());
        frames = new BufferRequestFrames(newConfig.frames());
        config = newConfig;
        if (newConfig.samples() != oldSamples) {
            registry.resize(newConfig.samples());
        }
    }

    private void parkUntil(long deadline) {
        long remaining;
        while (running && (remaining = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(remaining);
        }
    }

    long ticks() {
        return ticks;
    }

    long errors() {
        return errors;
    }

    int taskThreads() {
        return taskThreads;
    }

    int walkedThreads() {
        return walkedThreads;
    }

    int subtasks() {
        return subtasks;
    }

    TickCost cost() {
        return cost;
    }

    /** Read on the JMX reader's thread, so the sampler pays nothing for it. */
    long cpuTimeNanos() {
        try {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            if (!threads.isThreadCpuTimeSupported() || !threads.isThreadCpuTimeEnabled()) {
                return -1L;
            }
            Thread sampler = thread;
            return sampler == null ? -1L : threads.getThreadCpuTime(sampler.getId());
        } catch (RuntimeException e) {
            return -1L;
        }
    }

    FlinkProbes probes() {
        return probes;
    }
}

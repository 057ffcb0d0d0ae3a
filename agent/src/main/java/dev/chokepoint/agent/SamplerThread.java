package dev.chokepoint.agent;

import dev.chokepoint.agent.config.AgentConfig;
import dev.chokepoint.agent.config.LiveConfig;
import dev.chokepoint.agent.export.AgentControl;
import dev.chokepoint.agent.export.AgentView;
import dev.chokepoint.agent.export.FlinkMetricsPublisher;
import dev.chokepoint.agent.export.MBeanExporter;
import dev.chokepoint.agent.export.SamplerStatistics;
import dev.chokepoint.agent.export.TaskMBeans;
import dev.chokepoint.agent.export.TaskView;
import dev.chokepoint.agent.instrument.FlinkProbes;
import dev.chokepoint.agent.log.AgentLog;
import dev.chokepoint.api.AgentThreads;
import dev.chokepoint.api.ObjectNames;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The agent's one thread: runs a {@link Tick} every {@code delay}, applies new settings between
 * ticks, and registers the MBeans on its way in and out. Nothing it runs can end it: every step of
 * the loop (settings, tick, bridge report, statistics, the wait for the next tick) runs inside
 * {@link #protect}, and a failure is counted, logged once per kind, and the next tick runs as usual;
 * a failure of that handling itself (a host whose stderr throws) is caught around each turn.
 */
final class SamplerThread implements Runnable {

    private final LiveConfig config;
    private final FlinkProbes probes;
    private final MBeanExporter exporter = new MBeanExporter();
    private final SamplerStatistics statistics = new SamplerStatistics();
    private final AgentView agentView;
    private final Tick tick;

    private volatile boolean running = true;
    private volatile Thread thread;
    /** The loop's steps, made once: a tick allocates nothing for them. */
    private final Runnable applyPendingConfig = new Runnable() {
        @Override
        public void run() {
            AgentConfig newConfig = config.takePending();
            if (newConfig != null) {
                tick.configure(newConfig);
            }
        }
    };
    private final Runnable reportBridgeFailures = new Runnable() {
        @Override
        public void run() {
            reportBridgeFailures();
        }
    };
    private long tickStart;
    private final Runnable runTick = new Runnable() {
        @Override
        public void run() {
            tick.run(tickStart);
        }
    };

    /** Told when the sampler cannot start for good: the Agent MBean, the agent's only handle, was refused. */
    interface StartFailure {
        void startFailed(SamplerThread sampler, String why);
    }

    private final StartFailure startFailure;

    SamplerThread(AgentConfig initial, String version, FlinkProbes probes, AgentControl control,
                  StartFailure startFailure) {
        this.config = new LiveConfig(initial);
        this.probes = probes;
        this.startFailure = startFailure;
        this.agentView = new AgentView(version, config, statistics, probes, control);
        Settings settings = new Settings();
        TaskMBeans mbeans = new TaskMBeans(exporter, settings);
        this.tick = new Tick(initial, probes, mbeans, new FlinkMetricsPublisher(mbeans, settings), statistics);
    }

    void start() {
        thread = new Thread(this, AgentThreads.SAMPLER);
        thread.setDaemon(true);
        // The host's class loaders are none of our business; do not pin the attaching thread's.
        thread.setContextClassLoader(null);
        statistics.samplerStarted(thread);
        thread.start();
    }

    /** Ends the thread, which unregisters every MBean on its way out; true once it has ended. */
    boolean stop(long timeoutMillis) throws InterruptedException {
        requestStop();
        thread.join(timeoutMillis);
        return !thread.isAlive();
    }

    /** Asks the thread to end after its current step, without waiting for it. */
    void requestStop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Takes effect at the next tick. */
    void reconfigure(AgentConfig newConfig) {
        config.offer(newConfig);
    }

    /** The settings as of the last reconfiguration. */
    AgentConfig config() {
        return config.latest();
    }

    @Override
    public void run() {
        final Throwable[] refused = new Throwable[1];
        protect("start", new Runnable() {
            @Override
            public void run() {
                refused[0] = exporter.register(ObjectNames.AGENT, agentView);
            }
        });
        if (refused[0] != null) {
            // Without its MBean the agent can be neither read nor detached: it must not stay half there.
            running = false;
            protect("start", new Runnable() {
                @Override
                public void run() {
                    startFailure.startFailed(SamplerThread.this, "cannot register " + ObjectNames.AGENT + ": " + refused[0]);
                }
            });
            return;
        }
        try {
            loop();
        } finally {
            protect("stop", new Runnable() {
                @Override
                public void run() {
                    tick.clear();
                }
            });
            protect("stop", new Runnable() {
                @Override
                public void run() {
                    exporter.unregister(ObjectNames.AGENT, agentView);
                }
            });
        }
    }

    private void loop() {
        long next = System.nanoTime();
        while (running) {
            try {
                next = turn(next);
            } catch (Throwable t) {
                // the fault handling itself failed: count it, and keep the cadence rather than spin
                protect("turn", t);
                next = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(1L, delayMillis()));
                parkUntil(next);
            }
        }
    }

    /** One turn: settings, tick, bridge report, statistics, the wait for the next; returns when the next is due. */
    private long turn(long next) {
        long start = System.nanoTime();
        protect("settings", applyPendingConfig);
        tickStart = start;
        try {
            runTick.run();
        } catch (Throwable t) {
            try {
                Tick.failed(t, statistics);
            } catch (Throwable logFailed) {
                protect("tick", logFailed);
            }
        }
        protect("bridge", reportBridgeFailures);
        long end = System.nanoTime();
        long due = next;
        try {
            AgentConfig now = config.current();
            statistics.ticked(tick.count(), end - start, now.samples());
            due += TimeUnit.MILLISECONDS.toNanos(now.delayMillis());
        } catch (Throwable t) {
            protect("statistics", t);
            due = end + TimeUnit.MILLISECONDS.toNanos(Math.max(1L, delayMillis()));
        }
        if (due - end < 0) {
            due = end; // overran: skip the missed ticks rather than bunch them up
        }
        parkUntil(due);
        return due;
    }

    private long delayMillis() {
        try {
            return config.current().delayMillis();
        } catch (Throwable t) {
            return dev.chokepoint.api.Settings.DELAY_MILLIS_DEFAULT;
        }
    }

    /** Runs {@code step} so that no failure of it, not even a linkage error, can end the sampler. */
    private void protect(String what, Runnable step) {
        try {
            step.run();
        } catch (Throwable t) {
            protect(what, t);
        }
    }

    /** Counts {@code t} and logs it once per kind; never throws, even when the log cannot be written. */
    private void protect(String what, Throwable t) {
        try {
            statistics.failed();
            AgentLog.errorOnce(what + ":" + t.getClass().getName(),
                    "sampler error (" + what + "), sampling goes on: " + t + " (counted in SamplingErrors, reported once)");
        } catch (Throwable ignored) {
            // nowhere left to say it; the count above is what tells
        }
    }

    /** The bridge cannot log (it lives in the bootstrap loader with nothing but the JDK): say it here, once. */
    private void reportBridgeFailures() {
        if (probes.bridgeFailures() > 0) {
            AgentLog.errorOnce("bridge-handler", "a buffer-request handler failed inside Flink's request and was"
                    + " swallowed, Flink went on (counted in InstrumentationErrors, reported once)");
        }
    }

    private void parkUntil(long deadline) {
        long remaining;
        while (running && (remaining = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(remaining);
        }
    }

    /** What the Task MBeans see of the settings: those in force at the sampler's last tick. */
    private final class Settings implements TaskView.ConfigSource {
        @Override
        public AgentConfig config() {
            return config.current();
        }

        @Override
        public boolean blockedTimeMeasured() {
            return probes.blockedTimeMeasured();
        }
    }
}

package dev.chokepoint.agent.export;

import dev.chokepoint.agent.config.AgentConfig;
import dev.chokepoint.agent.config.LiveConfig;
import dev.chokepoint.agent.instrument.FlinkProbes;
import dev.chokepoint.api.AgentMXBean;

/** The JMX face of the running agent. */
public final class AgentView extends ExportedMBean implements AgentMXBean {

    private final String version;
    private final LiveConfig config;
    private final SamplerStatistics statistics;
    private final FlinkProbes probes;
    private final AgentControl control;

    public AgentView(String version, LiveConfig config, SamplerStatistics statistics, FlinkProbes probes,
                     AgentControl control) {
        this.version = version;
        this.config = config;
        this.statistics = statistics;
        this.probes = probes;
        this.control = control;
    }

    @Override
    public String getVersion() {
        return version;
    }

    @Override
    public String getConfig() {
        return settings().toString();
    }

    @Override
    public int getSamples() {
        return settings().samples();
    }

    @Override
    public long getDelayMillis() {
        return settings().delayMillis();
    }

    @Override
    public double getLow() {
        return settings().low();
    }

    @Override
    public double getHigh() {
        return settings().high();
    }

    @Override
    public long getHistoryMillis() {
        return settings().historyMillis();
    }

    @Override
    public long getHistoryStepMillis() {
        return settings().historyStepMillis();
    }

    @Override
    public long getPersistentAfterMillis() {
        return settings().persistentAfterMillis();
    }

    @Override
    public String getThreads() {
        AgentConfig settings = settings();
        return settings.threads() == null ? "" : settings.threads().pattern();
    }

    @Override
    public String getFrames() {
        return settings().framesText();
    }

    @Override
    public int getDepth() {
        return settings().depth();
    }

    @Override
    public boolean isInstrument() {
        return settings().instrument();
    }

    @Override
    public boolean isFlinkMetrics() {
        return settings().flinkMetrics();
    }

    @Override
    public int getTaskThreads() {
        return statistics.taskThreads();
    }

    @Override
    public int getWalkedThreads() {
        return statistics.walkedThreads();
    }

    @Override
    public int getSubtasks() {
        return statistics.subtasks();
    }

    @Override
    public long getSamplingTicks() {
        return statistics.ticks();
    }

    @Override
    public long getSamplingErrors() {
        return statistics.errors();
    }

    @Override
    public double getLastTickMicros() {
        return statistics.cost().lastMicros();
    }

    @Override
    public double getTickP99Micros() {
        return statistics.cost().p99Micros();
    }

    @Override
    public double getTickMaxMicros() {
        return statistics.cost().maxMicros();
    }

    @Override
    public long getSamplerCpuTimeNanos() {
        return statistics.cpuTimeNanos();
    }

    @Override
    public String getInstrumentation() {
        return probes.status();
    }

    @Override
    public long getInstrumentationErrors() {
        return probes.instrumentationErrors();
    }

    @Override
    public int getTimedThreads() {
        return probes.recorder().threads();
    }

    @Override
    public String reconfigure(String arguments) {
        return control.reconfigure(arguments);
    }

    @Override
    public String detach() {
        return control.detach();
    }

    /** One read of the settings per attribute: a reconfiguration may land between two attributes, never within one. */
    private AgentConfig settings() {
        return config.latest();
    }
}

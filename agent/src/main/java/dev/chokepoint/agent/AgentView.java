package dev.chokepoint.agent;

import dev.chokepoint.agent.export.AgentMXBean;
import dev.chokepoint.bootstrap.ChokepointBridge;

/** The JMX face of the running agent. */
final class AgentView implements AgentMXBean {

    private final SamplingLoop loop;
    private final String version;

    AgentView(SamplingLoop loop, String version) {
        this.loop = loop;
        this.version = version;
    }

    @Override
    public String getVersion() {
        return version;
    }

    @Override
    public String getConfig() {
        return loop.latestConfig().toString();
    }

    @Override
    public int getTaskThreads() {
        return loop.taskThreads();
    }

    @Override
    public int getWalkedThreads() {
        return loop.walkedThreads();
    }

    @Override
    public int getSubtasks() {
        return loop.subtasks();
    }

    @Override
    public long getSamplingTicks() {
        return loop.ticks();
    }

    @Override
    public long getSamplingErrors() {
        return loop.errors();
    }

    @Override
    public double getLastTickMicros() {
        return loop.cost().lastMicros();
    }

    @Override
    public double getTickP99Micros() {
        return loop.cost().p99Micros();
    }

    @Override
    public double getTickMaxMicros() {
        return loop.cost().maxMicros();
    }

    @Override
    public long getSamplerCpuTimeNanos() {
        return loop.cpuTimeNanos();
    }

    @Override
    public String getInstrumentation() {
        return loop.probes().status();
    }

    @Override
    public long getInstrumentationErrors() {
        return loop.probes().recorder().errors() + ChokepointBridge.handlerFailures();
    }

    @Override
    public int getTimedThreads() {
        return loop.probes().recorder().threads();
    }

    @Override
    public String reconfigure(String arguments) {
        return Chokepoint.reconfigure(arguments);
    }

    @Override
    public String detach() {
        return Chokepoint.detach();
    }
}

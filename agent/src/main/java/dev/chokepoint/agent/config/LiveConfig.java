package dev.chokepoint.agent.config;

/**
 * The settings in force and the ones a reconfiguration has asked for. A reconfiguration comes on
 * an attach or JMX thread; the sampler thread takes it at its next tick, so that a tick never sees
 * two configurations.
 */
public final class LiveConfig {

    private volatile AgentConfig current;
    private volatile AgentConfig pending;

    public LiveConfig(AgentConfig initial) {
        this.current = initial;
    }

    /** What the sampler runs with now. */
    public AgentConfig current() {
        return current;
    }

    /** The settings as of the last reconfiguration, even before the sampler has applied them. */
    public AgentConfig latest() {
        AgentConfig next = pending;
        return next != null ? next : current;
    }

    /** Any thread: takes effect at the sampler's next tick. */
    public void offer(AgentConfig next) {
        pending = next;
    }

    /** Sampler thread: the settings offered since the last call, now in force; null when none were. */
    public AgentConfig takePending() {
        AgentConfig next = pending;
        if (next == null) {
            return null;
        }
        pending = null;
        current = next;
        return next;
    }
}

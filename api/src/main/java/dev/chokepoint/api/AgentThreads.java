package dev.chokepoint.api;

/** Threads the agent starts in its host, by name: what a thread dump shows and the tests look for. */
public final class AgentThreads {

    /** The one thread the agent runs: sampling, MBean (un)registration. Gone after a detach. */
    public static final String SAMPLER = "chokepoint-sampler";

    private AgentThreads() {
    }
}

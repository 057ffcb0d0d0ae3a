package dev.chokepoint.agent.export;

/**
 * What the Agent MBean's operations do, given to {@link AgentView} by whoever owns the agent's
 * life, so that the JMX face does not reach back into it.
 */
public interface AgentControl {

    /** Applies new settings in the agent argument syntax; the effective settings, or the error. */
    String reconfigure(String arguments);

    /** Takes the agent out of the JVM; what was (not) undone. */
    String detach();
}

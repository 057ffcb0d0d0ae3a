package dev.chokepoint.api;

import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * The names the agent registers its MBeans under, and the only place they are spelt. Users scrape
 * them (jmx_exporter rules, jconsole bookmarks): changing one is a breaking change.
 */
public final class ObjectNames {

    public static final String DOMAIN = "chokepoint";

    /** The agent itself: {@link AgentMXBean}. */
    public static final ObjectName AGENT = parse(DOMAIN + ":type=Agent");

    /** A pattern that matches every subtask's {@link TaskMXBean}. */
    public static final ObjectName ALL_TASKS = parse(DOMAIN + ":type=Task,*");

    private ObjectNames() {
    }

    /** One subtask: {@code chokepoint:type=Task,name=<quoted subtask name>}, e.g. {@code name="Map (1/2)#0"}. */
    public static ObjectName task(String subtaskName) {
        return parse(DOMAIN + ":type=Task,name=" + ObjectName.quote(subtaskName));
    }

    private static ObjectName parse(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(name, e);
        }
    }
}

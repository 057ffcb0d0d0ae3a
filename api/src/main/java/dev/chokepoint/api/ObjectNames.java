package dev.chokepoint.api;

import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * The names the agent registers its MBeans under, and the only place they are spelt. Users scrape
 * them (jmx_exporter rules, jconsole bookmarks): changing one is a breaking change.
 */
public final class ObjectNames {

    public static final String DOMAIN = "chokepoint";
    /** The key of a Flink subtask's job in its ObjectName; its value is {@link #job(String, String)}, quoted. */
    public static final String JOB_KEY = "job";

    /** The agent itself: {@link AgentMXBean}. */
    public static final ObjectName AGENT = parse(DOMAIN + ":type=Agent");

    /** A pattern that matches every subtask's {@link TaskMXBean}. */
    public static final ObjectName ALL_TASKS = parse(DOMAIN + ":type=Task,*");

    private ObjectNames() {
    }

    /**
     * One subtask of an engine that is not Flink (threads chosen by the {@code threads} regex):
     * {@code chokepoint:type=Task,name=<quoted subtask name>}, e.g. {@code name="worker-1"}.
     */
    public static ObjectName task(String subtaskName) {
        return parse(DOMAIN + ":type=Task,name=" + ObjectName.quote(subtaskName));
    }

    /**
     * One subtask of a Flink job: {@code chokepoint:type=Task,job=<quoted job>,name=<quoted subtask
     * name>}, e.g. {@code job="Orders (3f2a91c0)",name="Map (1/2)#0"}. The job key ({@link #job})
     * keeps two jobs apart in a shared TaskManager even when their job and vertex names are equal.
     */
    public static ObjectName task(String jobName, String jobId, String subtaskName) {
        return parse(DOMAIN + ":type=Task," + JOB_KEY + "=" + ObjectName.quote(job(jobName, jobId)) + ",name="
                + ObjectName.quote(subtaskName));
    }

    /** The {@code job} key's value: the job's name and the first 8 hex digits of its id, {@code Orders (3f2a91c0)}. */
    public static String job(String jobName, String jobId) {
        String shortId = jobId.length() > 8 ? jobId.substring(0, 8) : jobId;
        return (jobName == null || jobName.isEmpty() ? "job" : jobName) + " (" + shortId + ")";
    }

    /** Every subtask MBean of that subtask name, in whichever job: for readers that know only a thread's name. */
    public static ObjectName tasksNamed(String subtaskName) {
        return parse(DOMAIN + ":type=Task,name=" + ObjectName.quote(subtaskName) + ",*");
    }

    private static ObjectName parse(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(name, e);
        }
    }
}

package dev.chokepoint.agent.discover;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A subtask's identity as Flink writes it into its task thread's name:
 * {@code <vertex> (<index+1>/<parallelism>)[#<attempt>]}, optionally behind
 * {@code Legacy Source Thread - } for the thread that runs a legacy {@code SourceFunction}.
 */
public final class TaskThreadName {

    public static final String LEGACY_SOURCE_PREFIX = "Legacy Source Thread - ";
    static final Pattern FLINK_NAME = Pattern.compile("^(Legacy Source Thread - )?(.+) \\((\\d+)/(\\d+)\\)(#(\\d+))?$");

    private final String subtaskName;
    private final String vertex;
    private final int subtask;
    private final int parallelism;
    private final int attempt;
    private final boolean legacySourceThread;
    /** The Flink job and task attempt the thread works for; null where not known (not Flink, or not bound). */
    private final String jobName;
    private final String jobId;
    private final String attemptId;
    /**
     * What the aggregate step found for this name last (its subtask's state), kept here so that
     * the sampler's per-thread, per-tick path needs no map lookup; the selector caches names for
     * the threads' lives. Discover never reads it. Sampler thread only.
     */
    private Object aggregate;
    /** {@link TaskAttempts}' memo: the task the thread of this name worked for last, and that attempt's identity. */
    java.lang.ref.WeakReference<Object> lastTask;
    TaskThreadName lastAttempt;

    TaskThreadName(String subtaskName, String vertex, int subtask, int parallelism, int attempt,
                   boolean legacySourceThread) {
        this(subtaskName, vertex, subtask, parallelism, attempt, legacySourceThread, null, null, null);
    }

    private TaskThreadName(String subtaskName, String vertex, int subtask, int parallelism, int attempt,
                           boolean legacySourceThread, String jobName, String jobId, String attemptId) {
        this.subtaskName = subtaskName;
        this.vertex = vertex;
        this.subtask = subtask;
        this.parallelism = parallelism;
        this.attempt = attempt;
        this.legacySourceThread = legacySourceThread;
        this.jobName = jobName;
        this.jobId = jobId;
        this.attemptId = attemptId;
    }

    /**
     * This name as the thread of one Flink task attempt: same name, plus the job and the attempt's
     * id, which tell it from a namesake in another job or from an earlier attempt of the same subtask.
     */
    public TaskThreadName ofAttempt(String jobName, String jobId, String attemptId) {
        return new TaskThreadName(subtaskName, vertex, subtask, parallelism, attempt, legacySourceThread,
                jobName == null ? "" : jobName, jobId, attemptId);
    }

    /**
     * What tells one subtask from every other in this JVM: the job and attempt ids of a Flink task,
     * else (threads chosen by the user's regex, or a JVM where the agent cannot read Flink's tasks)
     * the subtask's name.
     */
    public String key() {
        return attemptId == null ? subtaskName : jobId + "/" + attemptId;
    }

    /** The Flink job's name, or null when the thread is not bound to a Flink task. */
    public String jobName() {
        return jobName;
    }

    /** The Flink job's id, or null when the thread is not bound to a Flink task. */
    public String jobId() {
        return jobId;
    }

    /** Parses a Flink task thread name, or returns null when the name is not one. */
    public static TaskThreadName parseFlink(String threadName) {
        Matcher m = FLINK_NAME.matcher(threadName);
        if (!m.matches()) {
            return null;
        }
        int index;
        int parallelism;
        int attempt;
        try {
            index = Integer.parseInt(m.group(3));
            parallelism = Integer.parseInt(m.group(4));
            attempt = m.group(6) == null ? -1 : Integer.parseInt(m.group(6));
        } catch (NumberFormatException e) {
            return null; // digits beyond int range: not a name Flink writes
        }
        if (index < 1 || index > parallelism) {
            return null;
        }
        String subtaskName = m.group(1) == null ? threadName : threadName.substring(LEGACY_SOURCE_PREFIX.length());
        return new TaskThreadName(subtaskName, m.group(2), index - 1, parallelism, attempt, m.group(1) != null);
    }

    /** A thread selected by the user's own regex whose name is not Flink's: one subtask of its own. */
    public static TaskThreadName standalone(String threadName) {
        return new TaskThreadName(threadName, threadName, 0, 1, -1, false);
    }

    /** The subtask's name: the task thread's name (for a legacy source thread, without the prefix). */
    public String subtaskName() {
        return subtaskName;
    }

    public String vertex() {
        return vertex;
    }

    /** 0-based, as in Flink's metrics and REST API. */
    public int subtask() {
        return subtask;
    }

    public int parallelism() {
        return parallelism;
    }

    /** The execution attempt ({@code #n}, Flink 1.12+), or -1 when the name carries none. */
    public int attempt() {
        return attempt;
    }

    /** True for the thread that runs a legacy {@code SourceFunction} on behalf of the subtask's task thread. */
    public boolean legacySourceThread() {
        return legacySourceThread;
    }

    /** See {@link #aggregate}: null, or what the aggregate step left here. */
    public Object aggregate() {
        return aggregate;
    }

    public void aggregate(Object found) {
        aggregate = found;
    }

    @Override
    public String toString() {
        return subtaskName;
    }
}

package dev.chokepoint.agent.flink;

import dev.chokepoint.agent.log.AgentLog;

import java.lang.reflect.Field;

/**
 * Which Flink {@code Task} a thread works for, and who that task is. A task thread runs its
 * {@code Task} (its {@code Runnable}); a legacy source thread is a
 * {@code SourceStreamTask.LegacySourceFunctionThread} (1.10–2.x), an inner class whose outer
 * {@code SourceStreamTask} holds a {@code RuntimeEnvironment} whose {@code containingTask} is the
 * Task. A thread that a connector starts on a task thread (the legacy Kafka consumer's
 * {@code Kafka Fetcher for <task>}, 1.11–1.16's {@code Channel state writer <task>}) has a
 * task-shaped name and Flink's task thread group, but works for no Task: {@link #taskOf} says null.
 * Field names read in flink-runtime and flink-streaming-java 1.9.3, 1.10.3, 1.12.7, 1.20.3, 2.3.0.
 */
public final class TaskOwners {

    static final String LEGACY_SOURCE_THREAD =
            "org.apache.flink.streaming.runtime.tasks.SourceStreamTask$LegacySourceFunctionThread";
    private static final String OUTER = "this$0";
    private static final String ENVIRONMENT = "environment";
    private static final String CONTAINING_TASK = "containingTask";
    private static final String JOB_NAME_VARIABLE = "<job_name>";

    private final ThreadRunnables runnables;

    /** @param runnables reads a thread's Runnable; not null */
    public TaskOwners(ThreadRunnables runnables) {
        this.runnables = runnables;
    }

    /** The Task the thread works for, or null when it works for none. Never throws. */
    public Object taskOf(Thread thread, boolean legacySourceThread) {
        try {
            if (!legacySourceThread) {
                Object runnable = runnables.runnableOf(thread);
                return runnable != null && Members.of(runnable.getClass()).isA(FlinkTask.TASK) ? runnable : null;
            }
            if (!thread.getClass().getName().equals(LEGACY_SOURCE_THREAD)) {
                return null; // a thread that only has the name (a stand-in, or a connector's)
            }
            Object invokable = read(thread, OUTER);
            Object environment = invokable == null ? null : read(invokable, ENVIRONMENT);
            Object task = environment == null ? null : read(environment, CONTAINING_TASK);
            if (task == null || !Members.of(task.getClass()).isA(FlinkTask.TASK)) {
                AgentLog.errorOnce("legacy-source-owner", "a legacy source thread ('" + thread.getName() + "', "
                        + thread.getClass().getName() + ") has no this$0.environment.containingTask Task:"
                        + " legacy source threads are not sampled in this Flink version (reported once)");
                return null;
            }
            return task;
        } catch (Throwable t) {
            AgentLog.errorOnce("task-owner", "cannot tell which Flink task a thread works for: " + t
                    + "; such threads are not sampled (reported once)");
            return null;
        }
    }

    /**
     * {@code {job name, job id, execution attempt id}} of a Task: {@code Task.jobId} and
     * {@code Task.executionId} (1.9–2.x) and the job name of the task's metric group; null when the
     * ids cannot be read. The job name is empty when the metric group does not give one.
     */
    public static String[] identity(Object task) {
        try {
            Object jobId = read(task, "jobId");
            Object attemptId = read(task, "executionId");
            if (jobId == null || attemptId == null) {
                return null;
            }
            return new String[] {jobName(task), jobId.toString(), attemptId.toString()};
        } catch (Throwable t) {
            AgentLog.errorOnce("task-identity", "cannot read a Flink Task's jobId and executionId: " + t
                    + "; its threads are told apart by thread name only (two jobs with equal vertex names share one MBean) (reported once)");
            return null;
        }
    }

    /** The {@code <job_name>} variable of the task's metric group (a public API in 1.9–2.x); empty when it has none. */
    private static String jobName(Object task) {
        try {
            String name = FlinkMetricGroup.ofTask(task).variable(JOB_NAME_VARIABLE);
            return name == null ? "" : name;
        } catch (Throwable t) {
            return "";
        }
    }

    private static Object read(Object target, String fieldName) throws IllegalAccessException {
        Field field = Members.of(target.getClass()).field(fieldName);
        return field == null ? null : field.get(target);
    }
}

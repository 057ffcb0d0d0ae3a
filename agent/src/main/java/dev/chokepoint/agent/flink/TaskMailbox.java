package dev.chokepoint.agent.flink;

import dev.chokepoint.agent.log.AgentLog;

import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Tells a task thread parked in its task's own mailbox waiting for work from one that yields there
 * while processing (an async I/O operator with a full queue, an async sink flushing): both park on
 * the mailbox's one {@code notEmpty} Condition. Lock-free field reads only, no stack walk; what each
 * Flink version offers is in docs/flink-mailbox-idle.md:
 * <ul>
 *   <li>1.13+: Flink's own idle or back-pressure {@code TimerGauge} is measuring exactly while the
 *       thread is in the loop's wait (Flink pauses it around every mail); a suspension without a
 *       timer (the final-checkpoint wait after end of input, a legacy source's task thread) counts
 *       as waiting for work too;</li>
 *   <li>1.10–1.12: the processor's {@code suspendedDefaultAction} is set while the loop waits; a
 *       yield inside a mail run while it is set reads as waiting (only the stack could tell);</li>
 *   <li>1.9: only a legacy source's task thread waits on the mailbox, and always for work.</li>
 * </ul>
 * Bound lazily: the task builds its mailbox on its own thread after it starts. Everything is held
 * weakly, as in {@link FlinkTask}.
 */
public final class TaskMailbox {

    /** What a thread parked on some blocker is doing, as far as its task's mailbox can tell. */
    public enum Wait {
        /** Not the task's mailbox: the thread waits on something of its own. */
        NOT_MAILBOX,
        /** The mailbox loop's own wait for work (input or output unavailable). */
        FOR_WORK,
        /** A yield inside processing: waiting for its own mails, e.g. async I/O results. */
        YIELD
    }

    static final String STREAM_TASK = "org.apache.flink.streaming.runtime.tasks.StreamTask";

    private final WeakReference<Object> notEmpty;
    private final WeakReference<Object> processor;
    private final Field suspendedDefaultAction;
    /** 1.13+: Flink's idle and back-pressure timers, and the field that is non-zero while one measures. */
    private final WeakReference<Object> idleTimer;
    private final WeakReference<Object> backPressureTimer;
    private final Field measurementStart;

    private TaskMailbox(Object notEmpty, Object processor, Field suspendedDefaultAction, Object idleTimer,
                        Object backPressureTimer, Field measurementStart) {
        this.notEmpty = new WeakReference<>(notEmpty);
        this.processor = processor == null ? null : new WeakReference<>(processor);
        this.suspendedDefaultAction = suspendedDefaultAction;
        this.idleTimer = idleTimer == null ? null : new WeakReference<>(idleTimer);
        this.backPressureTimer = backPressureTimer == null ? null : new WeakReference<>(backPressureTimer);
        this.measurementStart = measurementStart;
    }

    /**
     * The mailbox of {@code task} (a Flink {@code Task}), or null while the task has not built it
     * yet or when it has none (not a streaming task, or a Flink whose mailbox is unknown to us).
     */
    static TaskMailbox of(Object task) {
        try {
            Field invokableField = Members.of(task.getClass()).field("invokable");
            Object invokable = invokableField == null ? null : invokableField.get(task);
            if (invokable == null || !Members.of(invokable.getClass()).isA(STREAM_TASK)) {
                return null;
            }
            Members streamTask = Members.of(invokable.getClass());
            Field processorField = streamTask.field("mailboxProcessor");
            if (processorField == null) {
                return legacyMailbox(streamTask, invokable); // 1.9
            }
            Object processor = processorField.get(invokable);
            Object mailbox = read(processor, "mailbox");
            Object notEmpty = read(mailbox, "notEmpty");
            Field suspended = processor == null ? null : Members.of(processor.getClass()).field("suspendedDefaultAction");
            if (notEmpty == null || suspended == null) {
                unsupported("the mailbox processor has no mailbox.notEmpty or suspendedDefaultAction");
                return null;
            }
            Object io = ioMetrics(task);
            Object idle = call(io, "getIdleTimeMsPerSecond");
            Object backPressure = call(io, "getSoftBackPressuredTimePerSecond"); // 1.15+
            if (backPressure == null) {
                backPressure = call(io, "getBackPressuredTimePerSecond"); // 1.13, 1.14
            }
            Field start = timerStart(idle);
            if (start == null || timerStart(backPressure) == null) {
                idle = null; // 1.10–1.12: no timer gauges (1.12's idle time is a Meter), the suspension alone tells
                backPressure = null;
                start = null;
            }
            return new TaskMailbox(notEmpty, processor, suspended, idle, backPressure, start);
        } catch (Throwable t) {
            unsupported("cannot read the task's mailbox: " + t);
            return null;
        }
    }

    /** 1.9: the legacy source's task thread waits on StreamTask.mailbox's notEmpty, always for work. */
    private static TaskMailbox legacyMailbox(Members streamTask, Object invokable) throws IllegalAccessException {
        Field mailboxField = streamTask.field("mailbox");
        Object notEmpty = read(mailboxField == null ? null : mailboxField.get(invokable), "notEmpty");
        return notEmpty == null ? null : new TaskMailbox(notEmpty, null, null, null, null, null);
    }

    /** What a thread of this task parked on {@code blocker} is doing. Never throws. */
    public Wait classify(Object blocker) {
        if (blocker == null || blocker != notEmpty.get()) {
            return Wait.NOT_MAILBOX;
        }
        try {
            if (processor == null) {
                return Wait.FOR_WORK; // 1.9
            }
            if (measurementStart != null && (measuring(idleTimer) || measuring(backPressureTimer))) {
                return Wait.FOR_WORK;
            }
            Object target = processor.get();
            Object suspension = target == null ? null : suspendedDefaultAction.get(target);
            if (suspension == null) {
                return Wait.YIELD; // the default action runs: this is a yield inside processing
            }
            if (measurementStart == null) {
                return Wait.FOR_WORK; // 1.10–1.12: suspended; a yield inside a mail would look the same
            }
            // 1.13+: suspended but no timer measuring: a mail runs and yields, unless the suspension has no timer at all.
            Field timer = Members.of(suspension.getClass()).field("suspensionTimer");
            return timer != null && timer.get(suspension) != null ? Wait.YIELD : Wait.FOR_WORK;
        } catch (Throwable t) {
            AgentLog.errorOnce("flink:mailbox-state", "cannot read a task's mailbox state: " + t + " (reported once;"
                    + " a thread parked in its mailbox then reads as busy, waiting on something of its own;"
                    + " sampling goes on)");
            return Wait.NOT_MAILBOX;
        }
    }

    private boolean measuring(WeakReference<Object> timer) throws IllegalAccessException {
        Object gauge = timer == null ? null : timer.get();
        return gauge != null && measurementStart.getLong(gauge) != 0L;
    }

    /** The TaskIOMetricGroup of a Task, through public getters; null when unreadable. */
    static Object ioMetrics(Object task) {
        return call(call(task, "getMetricGroup"), "getIOMetricGroup");
    }

    /** {@code TimerGauge}'s start-of-measurement field: 1.15+'s name, then 1.13–1.14's; null for anything else. */
    private static Field timerStart(Object timer) {
        if (timer == null) {
            return null;
        }
        Members members = Members.of(timer.getClass());
        Field start = members.field("currentMeasurementStartTS");
        start = start != null ? start : members.field("currentMeasurementStart");
        return start != null && start.getType() == long.class ? start : null;
    }

    private static Object read(Object target, String field) throws IllegalAccessException {
        if (target == null) {
            return null;
        }
        Field f = Members.of(target.getClass()).field(field);
        return f == null ? null : f.get(target);
    }

    static Object call(Object target, String method) {
        if (target == null) {
            return null;
        }
        try {
            Method m = Members.of(target.getClass()).method(method);
            return m == null ? null : m.invoke(target);
        } catch (Throwable t) {
            return null;
        }
    }

    private static void unsupported(String what) {
        AgentLog.errorOnce("flink:mailbox", "waiting for work is told by the Condition alone on this Flink version: "
                + what + " (reported once; a yield inside processing may read as idle, sampling goes on)");
    }
}

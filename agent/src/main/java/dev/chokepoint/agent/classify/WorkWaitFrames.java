package dev.chokepoint.agent.classify;

/**
 * Recognizes a task thread that waits for work, from its stack: Flink 1.10+ parks in its mailbox;
 * Flink 1.9 waits for input in {@code CompletableFuture.get} called straight from its input
 * processor (which is on the stack of a busy task too, so only that pair counts), or, for a source
 * task, in its mailbox. Only needed for threads whose stack is walked anyway: a thread parked on a
 * Condition is known to wait without a walk.
 */
public final class WorkWaitFrames {

    private static final String[][] WAITS = {
        {"org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailboxImpl", "take"},  // 1.10+
        {"org.apache.flink.streaming.runtime.tasks.mailbox.MailboxImpl", "takeMail"},  // 1.9 source task
    };
    private static final String[] INPUT_PROCESSORS_19 = {
        "org.apache.flink.streaming.runtime.io.StreamOneInputProcessor",
        "org.apache.flink.streaming.runtime.io.StreamTwoInputProcessor",
        "org.apache.flink.streaming.runtime.io.StreamTwoInputSelectableProcessor",
    };

    private WorkWaitFrames() {
    }

    /** True when the (parked) thread's stack shows it waiting for mail or input. */
    public static boolean isWaitingForWork(StackTraceElement[] stack) {
        for (int i = 0; i < stack.length; i++) {
            StackTraceElement frame = stack[i];
            for (String[] wait : WAITS) {
                if (wait[1].equals(frame.getMethodName()) && wait[0].equals(frame.getClassName())) {
                    return true;
                }
            }
            if (i > 0 && "processInput".equals(frame.getMethodName()) && isInputProcessor19(frame.getClassName())
                    && "get".equals(stack[i - 1].getMethodName())
                    && "java.util.concurrent.CompletableFuture".equals(stack[i - 1].getClassName())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isInputProcessor19(String className) {
        for (String processor : INPUT_PROCESSORS_19) {
            if (processor.equals(className)) {
                return true;
            }
        }
        return false;
    }
}

package dev.chokepoint.agent.classify;

/**
 * Recognizes a Flink 1.9 task thread that waits for input, from its stack: it waits in
 * {@code CompletableFuture.get} called straight from its input processor (which is on the stack of
 * a busy task too, so only that pair counts). Every other wait for work, Flink's mailbox in every
 * version included, parks on a {@code Condition}, which the sampler takes as waiting for work
 * without consulting the frames.
 */
public final class WorkWaitFrames {

    private static final String[] INPUT_PROCESSORS_19 = {
        "org.apache.flink.streaming.runtime.io.StreamOneInputProcessor",
        "org.apache.flink.streaming.runtime.io.StreamTwoInputProcessor",
        "org.apache.flink.streaming.runtime.io.StreamTwoInputSelectableProcessor",
    };

    private WorkWaitFrames() {
    }

    /**
     * The methods of a 1.9 input processor that wait for input: {@code processInput} itself, and the
     * selectable two-input processor's {@code waitForOneInput} / {@code waitForAvailableEitherInput}
     * (docs/flink-mailbox-idle.md, section 5).
     */
    private static final String[] WAITING_METHODS_19 = {"processInput", "waitForOneInput", "waitForAvailableEitherInput"};

    /** True when the (parked) thread's stack shows it waiting for input. */
    public static boolean isWaitingForWork(StackTraceElement[] stack) {
        for (int i = 0; i < stack.length; i++) {
            StackTraceElement frame = stack[i];
            if (i > 0 && isWaitingMethod(frame.getMethodName()) && isInputProcessor19(frame.getClassName())
                    && "get".equals(stack[i - 1].getMethodName())
                    && "java.util.concurrent.CompletableFuture".equals(stack[i - 1].getClassName())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isWaitingMethod(String method) {
        for (String waiting : WAITING_METHODS_19) {
            if (waiting.equals(method)) {
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

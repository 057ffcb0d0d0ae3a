package dev.chokepoint.agent.classify;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stacks as Flink's task threads show them (innermost first); see flink-internals.md and src/e2e-*. */
class WorkWaitFramesTest {

    private static final String IO = "org.apache.flink.streaming.runtime.io.";

    @Test
    void flink19InputWait() {
        assertTrue(WorkWaitFrames.isWaitingForWork(stack(
                "jdk.internal.misc.Unsafe#park",
                "java.util.concurrent.CompletableFuture#waitingGet",
                "java.util.concurrent.CompletableFuture#get",
                IO + "StreamOneInputProcessor#processInput",
                "org.apache.flink.streaming.runtime.tasks.StreamTask#performDefaultAction")));
    }

    @Test
    void flink19SelectableTwoInputWaits() {
        // StreamTwoInputSelectableProcessor.java:333 and :352 (flink-streaming-java_2.11 1.9.3)
        for (String method : new String[] {"waitForAvailableEitherInput", "waitForOneInput"}) {
            assertTrue(WorkWaitFrames.isWaitingForWork(stack(
                    "jdk.internal.misc.Unsafe#park",
                    "java.util.concurrent.CompletableFuture#get",
                    IO + "StreamTwoInputSelectableProcessor#" + method,
                    IO + "StreamTwoInputSelectableProcessor#waitForAvailableInput",
                    IO + "StreamTwoInputSelectableProcessor#processInput")), method);
        }
    }

    @Test
    void aBusyTaskHasItsInputProcessorOnTheStackToo() {
        // Flink 1.20 sink sleeping in user code: processInput is below, but it is not waiting for input
        assertFalse(WorkWaitFrames.isWaitingForWork(stack(
                "java.lang.Thread#sleep",
                "com.example.SlowSink#invoke",
                "org.apache.flink.streaming.api.operators.StreamSink#processElement",
                IO + "AbstractStreamTaskNetworkInput#emitNext",
                IO + "StreamOneInputProcessor#processInput",
                "org.apache.flink.streaming.runtime.tasks.StreamTask#processInput")));
        // user code waiting on a future of its own inside processing
        assertFalse(WorkWaitFrames.isWaitingForWork(stack(
                "java.util.concurrent.CompletableFuture#get",
                "com.example.AsyncClient#call",
                IO + "StreamOneInputProcessor#processInput")));
    }

    private static StackTraceElement[] stack(String... frames) {
        StackTraceElement[] stack = new StackTraceElement[frames.length];
        for (int i = 0; i < frames.length; i++) {
            String[] parts = frames[i].split("#");
            stack[i] = new StackTraceElement(parts[0], parts[1], null, -1);
        }
        return stack;
    }
}

package dev.chokepoint.agent.classify;

import dev.chokepoint.agent.config.FrameSignature;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recognizes a thread that waits for a network buffer, from its stack, on every Flink version:
 * the frames are matched anywhere in the stack because the JDK frames above the wait differ
 * between JDKs and Flink versions.
 */
public final class BufferRequestFrames {

    static final String LOCAL_BUFFER_POOL = "org.apache.flink.runtime.io.network.buffer.LocalBufferPool";
    static final String TIERED_MEMORY_MANAGER =
            "org.apache.flink.runtime.io.network.partition.hybrid.tiered.storage.TieredStorageMemoryManagerImpl";
    /**
     * Flink 1.5–1.9 wait inside {@code requestMemorySegment(boolean)}; from 1.10 a method of that name
     * exists but never blocks, so it counts only with {@code Object.wait} above it.
     */
    static final String WAIT_ONLY_METHOD = "requestMemorySegment";

    private final Map<String, Set<String>> methodsByClass = new HashMap<>();
    private final boolean builtInOnly;

    public BufferRequestFrames(List<FrameSignature> extraFrames) {
        add(LOCAL_BUFFER_POOL, "requestBufferBuilderBlocking");   // 1.5+
        // 1.10+; found alone on a stack only for 1.20's public no-argument variant (sort-merge, legacy hybrid):
        // elsewhere requestBufferBuilderBlocking is above it
        add(LOCAL_BUFFER_POOL, "requestMemorySegmentBlocking");
        add(LOCAL_BUFFER_POOL, "requestBufferBlocking");          // ≤1.4
        add(TIERED_MEMORY_MANAGER, "requestBufferBlockingFromPool"); // 1.20+/2.x hybrid shuffle
        for (FrameSignature frame : extraFrames) {
            add(frame.className(), frame.methodName());
        }
        builtInOnly = extraFrames.isEmpty();
    }

    /** True when only Flink's own buffer requests count, whose ways of waiting are known. */
    public boolean builtInOnly() {
        return builtInOnly;
    }

    private void add(String className, String methodName) {
        Set<String> methods = methodsByClass.get(className);
        if (methods == null) {
            methods = new HashSet<>();
            methodsByClass.put(className, methods);
        }
        methods.add(methodName);
    }

    /** True when the stack (innermost frame first) is inside a blocking buffer request. */
    public boolean isBlocked(StackTraceElement[] stack) {
        for (int i = 0; i < stack.length; i++) {
            String className = stack[i].getClassName();
            String method = stack[i].getMethodName();
            Set<String> methods = methodsByClass.get(className);
            if (methods != null && methods.contains(method)) {
                return true;
            }
            if (LOCAL_BUFFER_POOL.equals(className) && WAIT_ONLY_METHOD.equals(method) && waitsAbove(stack, i)) {
                return true;
            }
        }
        return false;
    }

    private static boolean waitsAbove(StackTraceElement[] stack, int frame) {
        for (int i = 0; i < frame; i++) {
            if ("java.lang.Object".equals(stack[i].getClassName()) && stack[i].getMethodName().startsWith("wait")) {
                return true;
            }
        }
        return false;
    }
}

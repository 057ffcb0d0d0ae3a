package dev.chokepoint.agent.instrument;

import dev.chokepoint.agent.AgentLog;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Times Flink's blocking buffer requests with inlined advice. Which method to time is decided per
 * Flink version from the class as it is: exactly one timing point per wait, so that nested
 * overloads are not counted twice. A class without any of the expected methods is left alone, with
 * one log line; the stack sampler does not depend on this.
 */
public final class BufferRequestInstrumentation {

    static final String LOCAL_BUFFER_POOL = "org.apache.flink.runtime.io.network.buffer.LocalBufferPool";
    static final String TIERED_MEMORY_MANAGER =
            "org.apache.flink.runtime.io.network.partition.hybrid.tiered.storage.TieredStorageMemoryManagerImpl";

    private final Set<String> instrumented = Collections.newSetFromMap(new ConcurrentHashMap<String, Boolean>());

    /** Installs the transformer and retransforms the classes already loaded (dynamic attach). */
    public void install(Instrumentation instrumentation) {
        new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(new Listener())
                .type(named(LOCAL_BUFFER_POOL).or(named(TIERED_MEMORY_MANAGER)))
                .transform(new AgentBuilder.Transformer() {
                    @Override
                    public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type,
                                                            ClassLoader classLoader, JavaModule module,
                                                            ProtectionDomain protectionDomain) {
                        return builder.visit(adviceFor(type));
                    }
                })
                .installOn(instrumentation);
    }

    /** The methods timed so far, e.g. {@code LocalBufferPool.requestMemorySegmentBlocking(int)}. */
    public Set<String> instrumented() {
        return instrumented;
    }

    AsmVisitorWrapper adviceFor(TypeDescription type) {
        String simpleName = type.getSimpleName();
        if (TIERED_MEMORY_MANAGER.equals(type.getName())) {
            return timing(type, simpleName, "requestBufferBlockingFromPool", 0, BufferRequestAdvice.class);
        }
        // 1.11+: public no-arg overload (1.20+) delegates to the private (int) one, where the wait is.
        if (declares(type, "requestMemorySegmentBlocking", 1)) {
            return timing(type, simpleName, "requestMemorySegmentBlocking", 1, BufferRequestAdvice.class);
        }
        if (declares(type, "requestMemorySegmentBlocking", 0)) { // 1.10
            return timing(type, simpleName, "requestMemorySegmentBlocking", 0, BufferRequestAdvice.class);
        }
        if (declares(type, "requestMemorySegment", 1)) { // 1.5–1.9: requestMemorySegment(boolean isBlocking)
            return timing(type, simpleName, "requestMemorySegment", 1, BlockingFlagRequestAdvice.class);
        }
        AgentLog.errorOnce("no-request-method:" + type.getName(), type.getName()
                + " has none of the buffer-request methods Chokepoint knows; exact blocked time is off for it,"
                + " stack sampling goes on");
        return AsmVisitorWrapper.NoOp.INSTANCE;
    }

    private AsmVisitorWrapper timing(TypeDescription type, String simpleName, String method, int arguments,
                                     Class<?> advice) {
        ElementMatcher.Junction<MethodDescription> matcher = named(method).and(takesArguments(arguments));
        if (type.getDeclaredMethods().filter(matcher).isEmpty()) {
            AgentLog.errorOnce("no-request-method:" + type.getName(), type.getName() + " has no " + method
                    + " with " + arguments + " argument(s); exact blocked time is off for it, stack sampling goes on");
            return AsmVisitorWrapper.NoOp.INSTANCE;
        }
        instrumented.add(simpleName + "." + method + "(" + (arguments == 0 ? "" : "1 argument") + ")");
        return Advice.to(advice).on(matcher);
    }

    private static boolean declares(TypeDescription type, String method, int arguments) {
        return !type.getDeclaredMethods().filter(named(method).and(takesArguments(arguments))).isEmpty();
    }

    /** Says once per class what went wrong; a failed class keeps its original code. */
    private static final class Listener extends AgentBuilder.Listener.Adapter {
        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded,
                            Throwable throwable) {
            AgentLog.errorOnce("transform:" + typeName, "cannot instrument " + typeName + ": " + throwable
                    + "; exact blocked time is off for it, stack sampling goes on");
        }
    }
}

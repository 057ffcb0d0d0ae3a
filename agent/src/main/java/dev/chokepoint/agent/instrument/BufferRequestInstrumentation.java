package dev.chokepoint.agent.instrument;

import dev.chokepoint.agent.log.AgentLog;
import dev.chokepoint.bootstrap.ChokepointBridge;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.asm.MemberSubstitution;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.Nexus;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Times the waits inside Flink's blocking buffer requests. In the one method per Flink version
 * where the wait happens, the wait call itself ({@code CompletableFuture.get}) is replaced by the
 * bridge's stand-in for it, which makes the same call and times it; up to 1.9 the
 * {@code Object.wait} is surrounded by timing calls instead ({@link MonitorWaitTiming}). A request served at once never reaches the wait, so it runs exactly
 * Flink's code; only real waits are timed. A class without the expected method is left alone,
 * with one log line; the stack sampler does not depend on this.
 */
public final class BufferRequestInstrumentation {

    static final String LOCAL_BUFFER_POOL = "org.apache.flink.runtime.io.network.buffer.LocalBufferPool";
    static final String TIERED_MEMORY_MANAGER =
            "org.apache.flink.runtime.io.network.partition.hybrid.tiered.storage.TieredStorageMemoryManagerImpl";

    private static final Method AWAIT = bridge("awaitBuffer", CompletableFuture.class);
    private static final Method AWAIT_TIMED = bridge("awaitBuffer", CompletableFuture.class, long.class, TimeUnit.class);

    /** By class name: the rewrite that was verified to call the bridge, e.g. {@code LocalBufferPool.requestMemorySegmentBlocking: CompletableFuture.get()}. */
    private final Map<String, String> timed = new ConcurrentHashMap<>();
    /** By class name: why a loaded buffer-pool class times nothing, e.g. {@code LocalBufferPool.requestMemorySegmentBlocking has no CompletableFuture.get() call}. */
    private final Map<String, String> untimed = new ConcurrentHashMap<>();
    private ResettableClassFileTransformer transformer;

    /** Installs the transformer and retransforms the classes already loaded (dynamic attach). */
    public void install(Instrumentation instrumentation) {
        disableNexus();
        transformer = new AgentBuilder.Default()
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(new Listener())
                .type(named(LOCAL_BUFFER_POOL).or(named(TIERED_MEMORY_MANAGER)))
                .transform(new AgentBuilder.Transformer() {
                    @Override
                    public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type,
                                                            ClassLoader classLoader, JavaModule module,
                                                            ProtectionDomain protectionDomain) {
                        return builder.visit(substitutionFor(type));
                    }
                })
                .installOn(instrumentation);
    }

    /**
     * The rewrite adds no type that needs initializing, so Byte Buddy's Nexus is not needed; left
     * enabled, merely building an AgentBuilder sets it up through {@code sun.misc.Unsafe}, which
     * JDK 24+ warns about in the host's output. The property is Byte Buddy's own, relocated into
     * our shaded namespace, so it concerns our copy of Byte Buddy only.
     */
    private static void disableNexus() {
        try {
            if (System.getProperty(Nexus.PROPERTY) == null) {
                System.setProperty(Nexus.PROPERTY, "true");
            }
        } catch (RuntimeException e) {
            // a security manager that forbids it: the warning stays, nothing else changes
        }
    }

    /** Removes the transformer and gives the classes it changed their original code back. */
    public boolean reset(Instrumentation instrumentation) {
        boolean reset = transformer == null
                || transformer.reset(instrumentation, AgentBuilder.RedefinitionStrategy.RETRANSFORMATION);
        timed.clear();
        untimed.clear();
        return reset;
    }

    /**
     * What is timed so far, e.g. {@code LocalBufferPool.requestMemorySegmentBlocking: CompletableFuture.get()}:
     * only rewrites whose output was seen to call the bridge.
     */
    public Set<String> instrumented() {
        return new TreeSet<>(timed.values());
    }

    /**
     * The loaded buffer-pool classes whose waits are not timed, and why, e.g.
     * {@code LocalBufferPool.requestMemorySegmentBlocking has no CompletableFuture.get() call}: their
     * requests are never timed, so a blocked time of 0 would be a lie.
     */
    public Set<String> untimed() {
        return new TreeSet<>(untimed.values());
    }

    /** True when no loaded buffer-pool class is left untimed; allocates nothing (read with every blocked-time figure). */
    boolean allTimed() {
        return untimed.isEmpty();
    }

    AsmVisitorWrapper substitutionFor(TypeDescription type) {
        if (TIERED_MEMORY_MANAGER.equals(type.getName())) {
            return waitIn(type, named("requestBufferBlockingFromPool").and(takesArguments(0)),
                    "requestBufferBlockingFromPool", futureGet(2), AWAIT_TIMED, "CompletableFuture.get(timeout)");
        }
        // 1.10+: the wait is CompletableFuture.get() in requestMemorySegmentBlocking (1.11+: the (int)
        // overload; the no-argument one of 1.20+ delegates to it and has no wait of its own)
        if (declares(type, named("requestMemorySegmentBlocking"))) {
            return waitIn(type, named("requestMemorySegmentBlocking"), "requestMemorySegmentBlocking",
                    futureGet(0), AWAIT, "CompletableFuture.get()");
        }
        // 1.5–1.9: availableMemorySegments.wait(2000) in requestMemorySegment(boolean isBlocking),
        // surrounded rather than replaced (see MonitorWaitTiming)
        ElementMatcher.Junction<MethodDescription> requestMemorySegment19 =
                named("requestMemorySegment").and(takesArguments(boolean.class));
        if (declares(type, requestMemorySegment19)) {
            return verified(type, "requestMemorySegment", "requestMemorySegment(boolean)", "Object.wait(long)",
                    "beforeWait", MonitorWaitTiming.in(requestMemorySegment19));
        }
        untimed(type, type.getSimpleName() + " has none of the buffer-request methods Chokepoint knows");
        AgentLog.errorOnce("no-request-method:" + type.getName(), type.getName()
                + " has none of the buffer-request methods Chokepoint knows; exact blocked time is off for it"
                + " (BackPressuredTimeMsPerSecond NaN), stack sampling goes on");
        return AsmVisitorWrapper.NoOp.INSTANCE;
    }

    private AsmVisitorWrapper waitIn(TypeDescription type, ElementMatcher.Junction<MethodDescription> method,
                                     String methodName, ElementMatcher.Junction<MethodDescription> waitCall,
                                     Method standIn, String waitName) {
        if (!declares(type, method)) {
            untimed(type, type.getSimpleName() + " has no " + methodName);
            AgentLog.errorOnce("no-request-method:" + type.getName(), type.getName() + " has no " + methodName
                    + "; exact blocked time is off for it (BackPressuredTimeMsPerSecond NaN), stack sampling goes on");
            return AsmVisitorWrapper.NoOp.INSTANCE;
        }
        return verified(type, methodName, methodName, waitName, standIn.getName(),
                MemberSubstitution.relaxed().method(waitCall).replaceWith(standIn).on(method));
    }

    /**
     * {@code rewrite}, followed by a look at what it wrote: the methods named {@code methodName}
     * must now call the bridge's {@code bridgeMethod}. A rewrite that matched no wait call (a Flink
     * fork that waits with {@code join()} or {@code get(timeout)}) changes nothing and says so,
     * instead of claiming to time what it does not.
     */
    private AsmVisitorWrapper verified(final TypeDescription type, final String methodName, final String shownMethod,
                                       final String waitName, final String bridgeMethod, AsmVisitorWrapper rewrite) {
        // Compound wraps in list order, so the first one is nearest the class writer: it sees the rewritten code.
        return new AsmVisitorWrapper.Compound(new CallCheck(methodName, bridgeMethod, new CallCheck.Result() {
            @Override
            public void found(int calls) {
                String typeName = type.getName();
                if (calls > 0) {
                    timed.put(typeName, type.getSimpleName() + "." + shownMethod + ": " + waitName);
                    untimed.remove(typeName);
                } else {
                    timed.remove(typeName);
                    untimed(type, type.getSimpleName() + "." + shownMethod + " has no " + waitName + " call");
                    AgentLog.errorOnce("no-wait-call:" + typeName, typeName + "." + shownMethod + " has no " + waitName
                            + " call to time; exact blocked time is off (BackPressuredTimeMsPerSecond NaN),"
                            + " stack sampling goes on");
                }
            }
        }), rewrite);
    }

    private void untimed(TypeDescription type, String why) {
        timed.remove(type.getName());
        untimed.put(type.getName(), why);
    }

    private static ElementMatcher.Junction<MethodDescription> futureGet(int arguments) {
        return named("get").and(takesArguments(arguments)).and(isDeclaredBy(CompletableFuture.class));
    }

    private static boolean declares(TypeDescription type, ElementMatcher<? super MethodDescription> method) {
        return !type.getDeclaredMethods().filter(method).isEmpty();
    }

    private static Method bridge(String name, Class<?>... parameters) {
        try {
            return ChokepointBridge.class.getMethod(name, parameters);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Says once per class what went wrong; a failed class keeps its original code, and times nothing. */
    private final class Listener extends AgentBuilder.Listener.Adapter {
        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded,
                            Throwable throwable) {
            timed.remove(typeName);
            untimed.put(typeName, typeName.substring(typeName.lastIndexOf('.') + 1) + " could not be rewritten");
            AgentLog.errorOnce("transform:" + typeName, "cannot instrument " + typeName + ": " + throwable
                    + "; exact blocked time is off for it, stack sampling goes on");
        }
    }
}

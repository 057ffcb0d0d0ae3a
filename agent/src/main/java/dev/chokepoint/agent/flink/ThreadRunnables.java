package dev.chokepoint.agent.flink;

import dev.chokepoint.agent.log.AgentLog;
import net.bytebuddy.dynamic.loading.ClassInjector;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import java.util.Collections;
import java.util.Map;
import java.util.Set;

/**
 * The {@code Runnable} a thread runs: for a Flink task thread, its {@code Task}. Reached through
 * the JDK's private fields ({@code Thread.target} up to JDK 18, {@code Thread.holder.task} from
 * JDK 19), which the agent opens to itself with {@link Instrumentation#redefineModule}; this is
 * how tasks that were running before an attach are found, without any bytecode change.
 */
public final class ThreadRunnables {

    private final Field target;
    private final Field holder;
    private final Field holderTask;

    private ThreadRunnables(Field target, Field holder, Field holderTask) {
        this.target = target;
        this.holder = holder;
        this.holderTask = holderTask;
    }

    /** Opens {@code java.lang} to the agent where modules exist; null, with one log line, when it cannot. */
    public static ThreadRunnables open(Instrumentation instrumentation) {
        try {
            if (JavaModule.isSupported()) {
                Map<String, Set<JavaModule>> opens = Collections.singletonMap("java.lang",
                        Collections.singleton(JavaModule.ofType(ThreadRunnables.class)));
                ClassInjector.UsingInstrumentation.redefineModule(instrumentation, JavaModule.ofType(Thread.class),
                        Collections.<JavaModule>emptySet(), Collections.<String, Set<JavaModule>>emptyMap(), opens,
                        Collections.<Class<?>>emptySet(), Collections.<Class<?>, java.util.List<Class<?>>>emptyMap());
            }
            Field target = Members.of(Thread.class).field("target");
            if (target != null) {
                return new ThreadRunnables(target, null, null);
            }
            Field holder = Members.of(Thread.class).field("holder");
            Field task = holder == null ? null : Members.of(holder.getType()).field("task");
            if (task != null) {
                return new ThreadRunnables(null, holder, task);
            }
            AgentLog.error("buffer-pool metrics off: this JDK's Thread has neither 'target' nor 'holder.task'"
                    + " (java.version " + System.getProperty("java.version") + "); stack sampling goes on");
        } catch (Throwable t) {
            AgentLog.error("buffer-pool metrics off: cannot open java.lang to the agent: " + t
                    + "; stack sampling goes on");
        }
        return null;
    }

    /** The thread's Runnable, or null. */
    public Object runnableOf(Thread thread) {
        try {
            if (target != null) {
                return target.get(thread);
            }
            Object fields = holder.get(thread);
            return fields == null ? null : holderTask.get(fields);
        } catch (IllegalAccessException e) {
            return null;
        }
    }
}

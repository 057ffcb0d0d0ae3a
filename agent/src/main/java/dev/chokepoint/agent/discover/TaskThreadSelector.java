package dev.chokepoint.agent.discover;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Decides which threads are task threads and which subtask each belongs to. By default: Flink's
 * task threads, i.e. threads of the group {@code Flink Task Threads} with a Flink task name; with
 * a user regex: any thread whose name it finds. Flink's helper threads never count, whatever the regex.
 * Not thread-safe: owned by the sampler thread.
 */
public final class TaskThreadSelector {

    /** Ticks after which names not seen since are dropped from the cache, so that thread churn cannot grow it. */
    private static final int CACHE_GENERATION_TICKS = 64;
    private static final TaskThreadName NOT_A_TASK = TaskThreadName.standalone("");

    public static final String FLINK_TASK_THREAD_GROUP = "Flink Task Threads";
    private static final String[] HELPER_PREFIXES = {
        "OutputFlusher for ", "Time Trigger for ", "System Time Trigger for ", "Canceler for ", "Canceler/Interrupts for ",
        "Cancellation Watchdog for "
    };

    private final Pattern userRegex;
    /** Names are stable for a thread's life, so each is matched against the regexes once, not at every tick. */
    private Map<String, TaskThreadName> cache = new HashMap<>();
    private Map<String, TaskThreadName> previousCache = new HashMap<>();
    private int ticksInGeneration;

    /** @param userRegex the {@code threads} setting, or null for Flink's task threads */
    public TaskThreadSelector(Pattern userRegex) {
        this.userRegex = userRegex;
    }

    /**
     * The subtask this thread works for, or null when it is not a task thread. Reads only the
     * thread's name and group, both cheap, so it can run on every thread at every tick.
     */
    public TaskThreadName identify(String threadName, String groupName) {
        if (userRegex == null && !FLINK_TASK_THREAD_GROUP.equals(groupName)) {
            return null;
        }
        TaskThreadName name = cache.get(threadName);
        if (name == null) {
            name = previousCache.remove(threadName);
            if (name == null) {
                try {
                    name = resolve(threadName);
                } finally {
                    if (name == null) {
                        // resolve threw (a user regex that overflows on this name): remember the name as
                        // no task, so that it costs one error, not one per tick
                        cache.put(threadName, NOT_A_TASK);
                    }
                }
            }
            cache.put(threadName, name);
        }
        return name == NOT_A_TASK ? null : name;
    }

    /** Called once per tick; ages the name cache. */
    public void endTick() {
        if (++ticksInGeneration >= CACHE_GENERATION_TICKS) {
            ticksInGeneration = 0;
            Map<String, TaskThreadName> recycled = previousCache;
            recycled.clear();
            previousCache = cache;
            cache = recycled;
        }
    }

    private TaskThreadName resolve(String threadName) {
        for (String prefix : HELPER_PREFIXES) {
            if (threadName.startsWith(prefix)) {
                return NOT_A_TASK;
            }
        }
        if (userRegex == null) {
            TaskThreadName flink = TaskThreadName.parseFlink(threadName);
            return flink == null ? NOT_A_TASK : flink;
        }
        if (!userRegex.matcher(threadName).find()) {
            return NOT_A_TASK;
        }
        TaskThreadName flink = TaskThreadName.parseFlink(threadName);
        return flink != null ? flink : TaskThreadName.standalone(threadName);
    }
}

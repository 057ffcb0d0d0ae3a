package dev.chokepoint.agent.flink;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;

/**
 * One of Flink's metric groups (a task's {@code TaskMetricGroup}, or a sub-group of it), reached
 * through Flink's public {@code MetricGroup} interface of the group's own class loader: the same
 * {@code addGroup(String)} and {@code gauge(String, Gauge)} in every version from 1.9 to 2.x. Held
 * only while the sampler registers: nothing of the agent keeps a group, and so its task, reachable.
 */
public final class FlinkMetricGroup {

    static final String METRIC_GROUP = "org.apache.flink.metrics.MetricGroup";
    /** {@code AbstractMetricGroup.metrics}, guarded by the group's monitor (1.9–2.x). */
    private static final String METRICS_FIELD = "metrics";

    private final Object group;
    /** The loader of the task's metric group class: Flink's Gauge is loaded from it, and the gauges defined in it. */
    private final ClassLoader loader;
    private final Class<?> metricGroupType;
    private final Class<?> gaugeType;

    private FlinkMetricGroup(Object group, ClassLoader loader, Class<?> metricGroupType, Class<?> gaugeType) {
        this.group = group;
        this.loader = loader;
        this.metricGroupType = metricGroupType;
        this.gaugeType = gaugeType;
    }

    /** {@code Task.getMetricGroup()} (1.9–2.x), or null when {@code task} has none. */
    static FlinkMetricGroup ofTask(Object task) throws ReflectiveOperationException {
        Method getMetricGroup = task == null ? null : Members.of(task.getClass()).method("getMetricGroup");
        if (getMetricGroup == null) {
            throw new NoSuchMethodException(task == null ? "the task has ended" : task.getClass().getName() + ".getMetricGroup()");
        }
        return of(invoke(getMetricGroup, task));
    }

    /** The group as seen through the {@code MetricGroup} and {@code Gauge} interfaces of its own class loader. */
    public static FlinkMetricGroup of(Object group) throws ReflectiveOperationException {
        if (group == null) {
            throw new NoSuchFieldException("the task has no metric group");
        }
        ClassLoader loader = group.getClass().getClassLoader();
        Class<?> metricGroupType = Class.forName(METRIC_GROUP, false, loader);
        if (!metricGroupType.isInstance(group)) {
            throw new ClassCastException(group.getClass().getName() + " is not a " + METRIC_GROUP + " of its own class loader");
        }
        return new FlinkMetricGroup(group, loader, metricGroupType, Class.forName(FlinkGauge.GAUGE, false, loader));
    }

    /** The group itself: its identity tells one task attempt's metrics from another's. */
    public Object identity() {
        return group;
    }

    /** {@code getAllVariables().get(name)}, e.g. {@code <job_name>}: the public {@code MetricGroup} API; null when absent. */
    public String variable(String name) throws ReflectiveOperationException {
        Object all = invoke(metricGroupType.getMethod("getAllVariables"), group);
        Object value = all instanceof Map ? ((Map<?, ?>) all).get(name) : null;
        return value == null ? null : value.toString();
    }

    /** {@code addGroup(name)}: Flink returns the existing sub-group of that name, if any. */
    public FlinkMetricGroup subgroup(String name) throws ReflectiveOperationException {
        return new FlinkMetricGroup(invoke(metricGroupType.getMethod("addGroup", String.class), group, name),
                loader, metricGroupType, gaugeType);
    }

    /**
     * True when the group already holds a metric of that name (e.g. from another copy of the agent,
     * loaded from another jar): Flink would log a warning for the second one and keep the first.
     * False when the group does not say (not an {@code AbstractMetricGroup}).
     */
    public boolean has(String name) throws IllegalAccessException {
        Field metrics = Members.of(group.getClass()).field(METRICS_FIELD);
        if (metrics == null) {
            return false;
        }
        synchronized (group) { // Flink adds and removes metrics under the group's monitor
            Object map = metrics.get(group);
            return map instanceof Map && ((Map<?, ?>) map).containsKey(name);
        }
    }

    /** Registers a gauge of that name whose value is read from {@code source}; see {@link FlinkGauge}. */
    public void gauge(String name, FlinkGauge.Source source, Object fallback) throws ReflectiveOperationException {
        Object gauge = FlinkGauge.proxy(loader, gaugeType, name, source, fallback);
        invoke(metricGroupType.getMethod("gauge", String.class, gaugeType), group, name, gauge);
    }

    private static Object invoke(Method method, Object target, Object... args) throws ReflectiveOperationException {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new InvocationTargetException(cause, method.getName() + " failed: " + cause);
        }
    }
}

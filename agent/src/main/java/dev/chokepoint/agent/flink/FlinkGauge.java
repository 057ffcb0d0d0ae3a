package dev.chokepoint.agent.flink;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * A Flink {@code Gauge} made of a {@link Proxy}, since Flink is no dependency of the agent: the
 * interface comes from the class loader of the metric group it is registered in. Flink's reporters,
 * its REST fetcher and its web UI call it on their own threads, for as long as the task lives (Flink
 * has no way to remove a metric), so it never throws into them: a failure, or null, reads as the
 * fallback (NaN, or empty text).
 */
public final class FlinkGauge implements InvocationHandler {

    /** What a gauge reads; may throw or return null, the gauge then reads its fallback. */
    public interface Source {
        Object value();
    }

    static final String GAUGE = "org.apache.flink.metrics.Gauge";

    private final String name;
    private final Source source;
    private final Object fallback;

    FlinkGauge(String name, Source source, Object fallback) {
        this.name = name;
        this.source = source;
        this.fallback = fallback;
    }

    /**
     * A gauge implementing {@code gaugeInterface} (Flink's {@code Gauge}, or any interface with a
     * {@code getValue()}), defined in {@code loader}.
     */
    public static Object proxy(ClassLoader loader, Class<?> gaugeInterface, String name, Source source, Object fallback) {
        return Proxy.newProxyInstance(loader, new Class<?>[] {gaugeInterface}, new FlinkGauge(name, source, fallback));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) {
        String called = method.getName();
        int arity = args == null ? 0 : args.length;
        try {
            if ("getValue".equals(called) && arity == 0) {
                Object value = source.value();
                return value == null ? fallback : value;
            }
            if ("equals".equals(called) && arity == 1) {
                return proxy == args[0];
            }
            if ("hashCode".equals(called) && arity == 0) {
                return System.identityHashCode(proxy);
            }
            if ("toString".equals(called) && arity == 0) {
                return "chokepoint gauge " + name;
            }
            // Flink 1.16+'s default Metric.getMetricType(), which a Proxy routes here too; reporter filters read it.
            if ("getMetricType".equals(called) && arity == 0 && method.getReturnType().isEnum()) {
                return metricType(method.getReturnType());
            }
        } catch (Throwable t) {
            // below: the gauge's fallback, or the neutral value of what was asked for
        }
        return neutral(method, fallback);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object metricType(Class<?> type) {
        return Enum.valueOf((Class) type, "GAUGE");
    }

    /** A value that unboxes to what the method returns, so that the proxy itself never throws. */
    private static Object neutral(Method method, Object fallback) {
        Class<?> type = method.getReturnType();
        if ("getValue".equals(method.getName())) {
            return fallback;
        }
        if (!type.isPrimitive() || type == void.class) {
            return null;
        }
        if (type == boolean.class) {
            return Boolean.FALSE;
        }
        if (type == char.class) {
            return '\0';
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == double.class) {
            return 0.0;
        }
        if (type == float.class) {
            return 0.0f;
        }
        if (type == byte.class) {
            return (byte) 0;
        }
        if (type == short.class) {
            return (short) 0;
        }
        return 0;
    }
}

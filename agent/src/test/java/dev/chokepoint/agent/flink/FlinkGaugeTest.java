package dev.chokepoint.agent.flink;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricType;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gauge Flink's threads call: the source's value, else the fallback; it never throws into them. */
class FlinkGaugeTest {

    /** Any interface with Flink's Gauge's shape. */
    public interface ValueGauge {
        Object getValue();

        int primitiveOther();
    }

    private final AtomicReference<Object> value = new AtomicReference<>();

    private final FlinkGauge.Source source = new FlinkGauge.Source() {
        @Override
        public Object value() {
            Object v = value.get();
            if (v instanceof RuntimeException) {
                throw (RuntimeException) v;
            }
            if (v instanceof Error) {
                throw (Error) v;
            }
            return v;
        }
    };

    private ValueGauge gauge(Object fallback) {
        return (ValueGauge) FlinkGauge.proxy(ValueGauge.class.getClassLoader(), ValueGauge.class, "busyRatio", source,
                fallback);
    }

    @Test
    void readsTheSourceAtEachCall() {
        ValueGauge gauge = gauge(Double.NaN);
        value.set(0.25);
        assertEquals(0.25, gauge.getValue());
        value.set(2);
        assertEquals(2, gauge.getValue());
    }

    @Test
    void anyFailureOrNullReadsTheFallback() {
        ValueGauge numeric = gauge(Double.NaN);
        ValueGauge text = gauge("");
        value.set(null);
        assertEquals(Double.NaN, numeric.getValue());
        assertEquals("", text.getValue());
        value.set(new IllegalStateException("the view is broken"));
        assertEquals(Double.NaN, numeric.getValue());
        value.set(new LinkageError("a class went missing"));
        assertEquals("", text.getValue());
        assertEquals(0, numeric.primitiveOther(), "an unknown method returns a neutral value, never null into a primitive");
    }

    @Test
    void objectMethodsAreThoseOfTheProxyItself() {
        ValueGauge one = gauge(Double.NaN);
        ValueGauge other = gauge(Double.NaN);
        value.set(new IllegalStateException("never read by equals, hashCode or toString"));
        assertTrue(one.equals(one));
        assertNotEquals(one, other);
        assertEquals(System.identityHashCode(one), one.hashCode());
        assertEquals("chokepoint gauge busyRatio", one.toString());
    }

    @Test
    void isAGaugeToFlinksReporterFilters() {
        // Flink 1.16+: Metric.getMetricType() is a default method, which a proxy routes to its handler.
        @SuppressWarnings("unchecked")
        Gauge<Object> gauge = (Gauge<Object>) FlinkGauge.proxy(Gauge.class.getClassLoader(), Gauge.class, "cause",
                source, "");
        assertSame(MetricType.GAUGE, gauge.getMetricType());
        value.set("CPU");
        assertEquals("CPU", gauge.getValue());
    }
}

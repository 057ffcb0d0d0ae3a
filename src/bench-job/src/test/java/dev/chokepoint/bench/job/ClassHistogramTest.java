package dev.chokepoint.bench.job;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClassHistogramTest {

    /** The shape of JDK 17's GC.class_histogram: module names after the class, one row per class loader. */
    private static final String HISTOGRAM = String.join("\n",
            "12345:",
            " num     #instances         #bytes  class name (module)",
            "-------------------------------------------------------",
            "   1:         29519        1675288  [J (java.base@17.0.15)",
            "   2:          1000          88000  dev.chokepoint.agent.aggregate.SubtaskState",
            "   3:          1500         276000  dev.chokepoint.shaded.org.HdrHistogram.SingleWriterRecorder$InternalHistogram",
            "   4:            40            960  dev.chokepoint.bench.job.SubtasksJob$Pass",
            "   5:            20            480  dev.chokepoint.bench.job.SubtasksJob$Pass",
            "   6:        165556        3973344  java.lang.String (java.base@17.0.15)",
            "Total        197635        6014072");

    @Test
    void readsTotalsAndRows() {
        ClassHistogram h = ClassHistogram.parse(HISTOGRAM);
        assertEquals(6014072, h.totalBytes());
        assertEquals(197635, h.totalInstances());
        assertEquals(1675288, h.bytes("[J"));
        assertEquals(165556, h.instances("java.lang.String"));
        assertEquals(0, h.bytes("no.such.Class"));
    }

    @Test
    void aClassInTwoLoadersIsAddedUp() {
        ClassHistogram h = ClassHistogram.parse(HISTOGRAM);
        assertEquals(1440, h.bytes("dev.chokepoint.bench.job.SubtasksJob$Pass"));
        assertEquals(60, h.instances("dev.chokepoint.bench.job.SubtasksJob$Pass"));
    }

    @Test
    void theAgentsObjectsAreItsOwnAndShadedClassesButNotTheBenchmarks() {
        ClassHistogram h = ClassHistogram.parse(HISTOGRAM);
        assertEquals(88000 + 276000, h.agentShallowBytes());
        assertEquals(2500, h.agentInstances());
    }

    @Test
    void somethingElseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ClassHistogram.parse("Exception: no such command"));
    }
}

package dev.chokepoint.agent.aggregate;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class HotFramesTest {

    @Test
    void theMostFrequentFramesComeFirstWithTheirShares() {
        HotFrames hot = new HotFrames();
        hot.record("a.B.c", 1);
        hot.record("a.B.c", 2);
        hot.record("x.Y.z", 3);
        hot.record("a.B.c", 4);
        assertArrayEquals(new String[] {"a.B.c 75%", "x.Y.z 25%"}, hot.top());
    }

    @Test
    void readsOlderThanTheWindowAreDroppedAndTheRingIsBounded() {
        HotFrames hot = new HotFrames();
        for (int i = 0; i < HotFrames.READS + 8; i++) {
            hot.record(i < 16 ? "old.Frame.f" : "new.Frame.f", i);
        }
        assertArrayEquals(new String[] {"new.Frame.f 75%", "old.Frame.f 25%"}, hot.top());
        hot.expire(16);
        assertArrayEquals(new String[] {"new.Frame.f 100%"}, hot.top());
        hot.expire(1000);
        assertArrayEquals(new String[0], hot.top());
    }

    @Test
    void theIoShareCountsRunnableReadsInNativeIo() {
        HotFrames hot = new HotFrames();
        assertEquals(Double.NaN, hot.ioShareOfRunning());
        hot.record("a.B.read", 1, true, true);
        hot.record("a.B.spin", 2, true, false);
        hot.record("a.B.park", 3, false, false);
        assertEquals(0.5, hot.ioShareOfRunning(), 1e-9);
        hot.expire(2);
        assertEquals(0.0, hot.ioShareOfRunning(), 1e-9);
        StackTraceElement poll = new StackTraceElement("sun.nio.ch.Net", "poll", null, -2);
        StackTraceElement user = new StackTraceElement("com.acme.Client", "call", null, 3);
        assertEquals(true, HotFrames.inNativeIo(new StackTraceElement[] {poll, user}));
        assertEquals(false, HotFrames.inNativeIo(new StackTraceElement[] {user, poll}));
    }

    @Test
    void aStackStandsForItsTopUserFrameElseItsTopFlinkFrame() {
        StackTraceElement park = new StackTraceElement("jdk.internal.misc.Unsafe", "park", null, -1);
        StackTraceElement yield = new StackTraceElement(
                "org.apache.flink.streaming.api.operators.async.AsyncWaitOperator", "addToWorkQueue", null, 1);
        StackTraceElement user = new StackTraceElement("com.acme.Enrich", "map", null, 1);
        assertEquals("com.acme.Enrich.map", HotFrames.frameOf(new StackTraceElement[] {park, yield, user}));
        assertEquals("org.apache.flink.streaming.api.operators.async.AsyncWaitOperator.addToWorkQueue",
                HotFrames.frameOf(new StackTraceElement[] {park, yield}));
        assertEquals("jdk.internal.misc.Unsafe.park", HotFrames.frameOf(new StackTraceElement[] {park}));
    }
}

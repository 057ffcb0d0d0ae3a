package dev.chokepoint.bench;

import dev.chokepoint.bench.VmOperationLog.Kind;
import dev.chokepoint.bench.VmOperationLog.Operation;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The reader on logs captured from real JVMs: {@code jdk17-tick-cost.log} from a run of this benchmark on
 * OpenJDK 17.0.15 (its first 40 lines and one monitor-deflation handshake), {@code jdk25-probe.log} from
 * Temurin 25.0.3 (eight {@code Thread.getStackTrace()} calls, then two {@code getThreadInfo(ids, depth)}),
 * {@code jdk17-biased-locking.log} from OpenJDK 17.0.15 with {@code -XX:+UseBiasedLocking}.
 */
class VmOperationLogTest {

    @Test
    void jdk17SafepointsAndHousekeepingHandshakes() throws IOException {
        List<Operation> ops = read("jdk17-tick-cost.log");

        assertEquals(14, count(ops, Kind.SAFEPOINT));
        assertEquals(3, count(ops, Kind.HANDSHAKE));
        assertEquals(27, count(ops, Kind.HANDSHAKE_TASK));
        // [12035141408859ns] Safepoint "ThreadDump", ..., Reaching safepoint: 89503 ns, Cleanup: 8663 ns,
        // At safepoint: 600646 ns, Total: 698812 ns
        Operation dump = ops.stream().filter(o -> o.endNanos() == 12035141408859L).findFirst().orElseThrow();
        assertEquals(new Operation(Kind.SAFEPOINT, "ThreadDump", 12035141408859L, 698812, 89503), dump);
        assertEquals(12035141408859L - 698812, dump.startNanos());
        assertEquals(8663 + 600646, dump.atSafepointNanos(), "cleanup and the operation itself");
        Operation deflation = ops.get(ops.size() - 1);
        assertEquals(new Operation(Kind.HANDSHAKE, "HandshakeForDeflation", 12093595145083L, 2056738, 0), deflation);
        assertEquals(new Operation(Kind.HANDSHAKE_TASK, "Deoptimize", 12034935523323L, 4366, 0), ops.get(0));
    }

    @Test
    void jdk25HandshakePerGetStackTraceAndSafepointPerGetThreadInfo() throws IOException {
        List<Operation> ops = read("jdk25-probe.log");

        assertEquals(8, ops.stream().filter(o -> o.kind() == Kind.HANDSHAKE && o.name().equals("GetStackTraceClosure")).count());
        assertEquals(8, ops.stream().filter(o -> o.kind() == Kind.HANDSHAKE_TASK && o.name().equals("GetStackTraceClosure")).count());
        assertEquals(2, ops.stream().filter(o -> o.kind() == Kind.SAFEPOINT && o.name().equals("ThreadDump")).count());
        assertEquals(new Operation(Kind.HANDSHAKE_TASK, "GetStackTraceClosure", 11876156513015L, 7912, 0), ops.get(0));
        assertEquals(new Operation(Kind.HANDSHAKE, "GetStackTraceClosure", 11876156590180L, 174290, 0), ops.get(1));
        // JDK 25: "Reaching safepoint: 93349 ns, At safepoint: 65809 ns, Leaving safepoint: 15062 ns, Total: 174220 ns"
        Operation dump = ops.get(ops.size() - 2);
        assertEquals(new Operation(Kind.SAFEPOINT, "ThreadDump", 11876374010660L, 174220, 93349), dump);
        assertEquals(65809 + 15062, dump.atSafepointNanos(), "at and leaving");
    }

    @Test
    void jdk17HandshakeLineAmongOtherHandshakeMessages() throws IOException {
        List<Operation> ops = read("jdk17-biased-locking.log");

        // "JavaThread ... handshaking JavaThread ..." and "Handshake revocation for object ..." are not operations
        assertEquals(List.of(
                new Operation(Kind.HANDSHAKE_TASK, "RevokeOneBias", 12131336399375L, 9444, 0),
                new Operation(Kind.HANDSHAKE, "RevokeOneBias", 12131336420496L, 33971, 0)), ops);
    }

    @Test
    void otherDecorationsAfterTheTimeAreAllowedButATimeInNanosecondsIsRequired() {
        // JDK 17.0.15 lines, -Xlog:safepoint=info with decorators uptimenanos,level,tags, then uptime,level,tags
        Operation op = VmOperationLog.parse("[538552014ns][info ][safepoint        ] Safepoint \"ThreadDump\", Time since "
                + "last: 524809337 ns, Reaching safepoint: 118717 ns, Cleanup: 40000 ns, At safepoint: 39268 ns, Total: 197985 ns");
        assertEquals(new Operation(Kind.SAFEPOINT, "ThreadDump", 538552014L, 197985, 118717), op);
        assertNull(VmOperationLog.parse("[0.549s][info][safepoint] Safepoint \"ThreadDump\", Time since last: 532256824 ns, "
                + "Reaching safepoint: 302150 ns, Cleanup: 28944 ns, At safepoint: 1333559 ns, Total: 1664653 ns"));
        assertNull(VmOperationLog.parse("[538552014ns] Safepoint synchronization initiated using futex wait barrier. (19 threads)"));
        assertNull(VmOperationLog.parse(""));
    }

    static List<Operation> read(String resource) throws IOException {
        InputStream in = VmOperationLogTest.class.getResourceAsStream("/vmlog/" + resource);
        assertNotNull(in, resource);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return VmOperationLog.read(reader);
        }
    }

    private static long count(List<Operation> ops, Kind kind) {
        return ops.stream().filter(o -> o.kind() == kind).count();
    }
}

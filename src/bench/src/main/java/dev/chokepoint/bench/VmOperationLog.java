package dev.chokepoint.bench;

import javax.management.JMException;
import javax.management.ObjectName;
import java.io.BufferedReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads HotSpot's unified log of safepoints and handshakes, as written with
 * {@code safepoint=info,handshake=info,handshake+task=debug} and the {@code timenanos} decorator (the
 * {@link System#nanoTime} clock, so that its times compare with the harness's). Three kinds of lines count:
 * <pre>
 * [11802060207165ns] Safepoint "ThreadDump", Time since last: 4215757 ns, Reaching safepoint: 95623 ns, Cleanup: 1142 ns, At safepoint: 20630 ns, Total: 117395 ns
 * [11876156905070ns] Handshake "GetStackTraceClosure", Targeted threads: 1, Executed by requesting thread: 1, Total completion time: 9314 ns
 * [11876156901394ns] Operation: GetStackTraceClosure for thread 0x00007feb6c0e0590, is_vm_thread: false, completed in 3485 ns
 * </pre>
 * (JDK 17 prints {@code Cleanup}; JDK 21+ prints {@code Leaving safepoint} and thread counts instead; both
 * end with the same {@code Total}.) Every other line is skipped.
 */
final class VmOperationLog {

    /** What unified logging must select for this reader ({@code -Xlog:<what>} or {@code jcmd VM.log what=<what>}). */
    static final String WHAT = "safepoint=info,handshake=info,handshake+task=debug";
    /** The decoration this reader expects first on each line. */
    static final String DECORATORS = "timenanos";

    enum Kind {
        /** A VM operation at a safepoint: every Java thread is stopped, or kept from running Java code, for its total. */
        SAFEPOINT,
        /** A handshake as its requester saw it: from the request until every targeted thread had run the operation. */
        HANDSHAKE,
        /** The operation of a handshake on one targeted thread: the time that thread is held. */
        HANDSHAKE_TASK
    }

    /**
     * One logged operation. {@code endNanos} is the line's time stamp (written just after the operation
     * ended); {@code totalNanos} its duration: for a safepoint from the start of the synchronization to its
     * end; for a handshake its completion time; for a task its execution time. {@code reachNanos} is a
     * safepoint's time to reach it (0 for the others).
     */
    record Operation(Kind kind, String name, long endNanos, long totalNanos, long reachNanos) {

        long startNanos() {
            return endNanos - totalNanos;
        }

        /** Of a safepoint: the time all threads spent stopped once every one had reached it (cleanup, operation, leaving). */
        long atSafepointNanos() {
            return totalNanos - reachNanos;
        }
    }

    private static final Pattern STAMP = Pattern.compile("^\\[(\\d+)ns\\](?:\\[[^\\]]*\\])*\\s*(.*)$");
    private static final Pattern SAFEPOINT = Pattern.compile(
            "^Safepoint \"([^\"]+)\", .*?Reaching safepoint: (\\d+) ns, .*?Total: (\\d+) ns");
    private static final Pattern HANDSHAKE = Pattern.compile(
            "^Handshake \"([^\"]+)\", Targeted threads: \\d+, .*?Total completion time: (\\d+) ns");
    private static final Pattern TASK = Pattern.compile(
            "^Operation: (\\S+) for thread \\S+, is_vm_thread: \\w+, completed in (\\d+) ns");

    private VmOperationLog() {
    }

    /**
     * Has this JVM log its safepoints and handshakes to {@code file} from now on, as {@code jcmd <pid> VM.log}
     * would (through the DiagnosticCommand MBean), so that the harness needs no {@code -Xlog} option. The file
     * is replaced and never rotated: a run at 1,000 threads writes tens of megabytes.
     */
    static void start(Path file) throws IOException {
        String path = file.toAbsolutePath().toString();
        if (path.contains(" ") || path.contains(",")) {
            throw new IOException("VM.log cannot take a path with spaces or commas: " + path);
        }
        Files.deleteIfExists(file);
        String[] arguments = {"output=file=" + path, "output_options=filecount=0", "what=" + WHAT, "decorators=" + DECORATORS};
        try {
            Object out = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmLog",
                    new Object[] {arguments}, new String[] {String[].class.getName()});
            if (out instanceof String text && !text.isBlank()) {
                throw new IOException("VM.log " + String.join(" ", arguments) + ": " + text.trim());
            }
        } catch (JMException e) {
            throw new IOException("cannot start VM.log (not HotSpot?): " + e, e);
        }
    }

    static List<Operation> read(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in);
        }
    }

    static List<Operation> read(BufferedReader in) throws IOException {
        List<Operation> operations = new ArrayList<>();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            Operation op = parse(line);
            if (op != null) {
                operations.add(op);
            }
        }
        return operations;
    }

    /** The operation a line reports, or null when it reports none (another message, or no {@code timenanos}). */
    static Operation parse(String line) {
        Matcher stamp = STAMP.matcher(line);
        if (!stamp.matches()) {
            return null;
        }
        long time = Long.parseLong(stamp.group(1));
        String message = stamp.group(2);
        Matcher m = SAFEPOINT.matcher(message);
        if (m.find()) {
            return new Operation(Kind.SAFEPOINT, m.group(1), time, Long.parseLong(m.group(3)), Long.parseLong(m.group(2)));
        }
        m = HANDSHAKE.matcher(message);
        if (m.find()) {
            return new Operation(Kind.HANDSHAKE, m.group(1), time, Long.parseLong(m.group(2)), 0);
        }
        m = TASK.matcher(message);
        if (m.find()) {
            return new Operation(Kind.HANDSHAKE_TASK, m.group(1), time, Long.parseLong(m.group(2)), 0);
        }
        return null;
    }
}

package dev.chokepoint.agent.instrument;

import dev.chokepoint.agent.log.AgentLog;
import dev.chokepoint.bootstrap.ChokepointBridge;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.loading.ClassInjector;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Puts {@code ChokepointBridge} on the bootstrap class path. Must run before any of our classes
 * that name the bridge is linked: from then on, the application class loader finds the bridge in
 * the bootstrap loader first, so the agent and the code inlined into Flink share one copy.
 * Refers to the bridge by name only (and its {@code VERSION}, a constant the compiler copies here),
 * for the same reason.
 */
public final class BootstrapBridge {

    static final String BRIDGE = "dev.chokepoint.bootstrap.ChokepointBridge";
    /** Every class the bridge is made of: BootstrapBridgeTest checks it against the compiled classes. */
    static final Set<String> CLASSES =
            new HashSet<>(Arrays.asList(BRIDGE, BRIDGE + "$Handler", BRIDGE + "$PendingWait"));

    private BootstrapBridge() {
    }

    /** The bridge shape this build was compiled for. */
    static final int VERSION = ChokepointBridge.VERSION;

    /**
     * Puts the bridge in the bootstrap loader, or checks the one already there; null when it is
     * (now) there and of this build's shape, else why the timing is off (said in one log line).
     */
    public static String inject(Instrumentation instrumentation) {
        if (inBootstrap()) {
            // an earlier attach of this or another copy of the agent put it there; of which build?
            return checkVersion();
        }
        try {
            // The host may name a java.io.tmpdir that does not exist yet (Flink creates its own later).
            Files.createDirectories(Paths.get(System.getProperty("java.io.tmpdir")));
            File folder = Files.createTempDirectory("chokepoint-bootstrap").toFile();
            folder.deleteOnExit();
            ClassFileLocator ours = ClassFileLocator.ForClassLoader.of(BootstrapBridge.class.getClassLoader());
            ClassInjector.UsingInstrumentation
                    .of(folder, ClassInjector.UsingInstrumentation.Target.BOOTSTRAP, instrumentation)
                    .injectRaw(CLASSES, ours);
            for (File jar : folder.listFiles()) {
                jar.deleteOnExit();
            }
            return inBootstrap() ? checkVersion() : "the bridge class is not in the bootstrap class path";
        } catch (Throwable t) {
            AgentLog.error("buffer-pool instrumentation off: cannot add the bridge class to the bootstrap class path: "
                    + t + "; stack sampling goes on");
            return "cannot add the bridge class to the bootstrap class path (see the log)";
        }
    }

    private static String checkVersion() {
        int found = bootstrapVersion();
        if (found == VERSION) {
            return null;
        }
        String problem = "the bootstrap class path holds a ChokepointBridge of another agent build (bridge version "
                + (found < 0 ? "unknown" : Integer.toString(found)) + ", this agent's is " + VERSION + ")";
        AgentLog.error("buffer-request timing off: " + problem + "; it is left alone, stack sampling goes on;"
                + " restart the JVM to time buffer requests with this agent");
        return problem;
    }

    /** The {@code VERSION} of the bridge in the bootstrap loader, read from that class; -1 when it has none. */
    static int bootstrapVersion() {
        try {
            return Class.forName(BRIDGE, false, null).getField("VERSION").getInt(null);
        } catch (Throwable t) {
            return -1; // a build from before the constant, or not ours at all
        }
    }

    private static boolean inBootstrap() {
        try {
            return Class.forName(BRIDGE, false, null) != null;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}

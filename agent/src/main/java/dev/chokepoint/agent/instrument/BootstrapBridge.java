package dev.chokepoint.agent.instrument;

import dev.chokepoint.agent.log.AgentLog;
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
 * Refers to the bridge by name only, for the same reason.
 */
public final class BootstrapBridge {

    static final String BRIDGE = "dev.chokepoint.bootstrap.ChokepointBridge";
    /** Every class the bridge is made of: BootstrapBridgeTest checks it against the compiled classes. */
    static final Set<String> CLASSES =
            new HashSet<>(Arrays.asList(BRIDGE, BRIDGE + "$Handler", BRIDGE + "$PendingWait"));

    private BootstrapBridge() {
    }

    /** True when the bridge is (now) in the bootstrap loader; false, with one log line, when it cannot be. */
    public static boolean inject(Instrumentation instrumentation) {
        if (inBootstrap()) {
            return true; // an earlier attach of this or another copy of the agent put it there
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
            return inBootstrap();
        } catch (Throwable t) {
            AgentLog.error("buffer-pool instrumentation off: cannot add the bridge class to the bootstrap class path: "
                    + t + "; stack sampling goes on");
            return false;
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

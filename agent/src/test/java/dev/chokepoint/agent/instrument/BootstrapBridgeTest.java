package dev.chokepoint.agent.instrument;

import dev.chokepoint.bootstrap.ChokepointBridge;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A class of the bridge left out of the injected list would be loaded by the agent's class loader
 * instead of the bootstrap one, and Flink's rewritten code would fail to link it inside a buffer request.
 */
class BootstrapBridgeTest {

    @Test
    void theInjectedClassesAreEveryClassTheBridgeIsMadeOf() throws URISyntaxException {
        Set<String> compiled = new HashSet<>();
        File classFile = new File(ChokepointBridge.class.getResource("ChokepointBridge.class").toURI());
        File[] files = classFile.getParentFile().listFiles();
        assertNotNull(files);
        for (File file : files) {
            String name = file.getName();
            if (name.startsWith("ChokepointBridge") && name.endsWith(".class")) {
                compiled.add(ChokepointBridge.class.getPackage().getName() + "."
                        + name.substring(0, name.length() - ".class".length()));
            }
        }
        assertEquals(compiled, BootstrapBridge.CLASSES);
    }

    /**
     * The members that code rewritten into Flink and the agent link against, for the bridge's
     * current {@link ChokepointBridge#VERSION}. A change here must bump the version, so that an
     * agent of either build leaves the other's bridge alone instead of failing to link it.
     */
    @Test
    void theBridgesShapeIsTheOneItsVersionNames() {
        Set<String> members = new TreeSet<>();
        for (Class<?> type : Arrays.asList(ChokepointBridge.class, ChokepointBridge.Handler.class)) {
            for (Method method : type.getDeclaredMethods()) {
                if (Modifier.isPublic(method.getModifiers())) {
                    members.add(type.getSimpleName() + "." + method.getName() + Arrays.toString(method.getParameterTypes())
                            + ":" + method.getReturnType().getSimpleName());
                }
            }
        }
        assertEquals(1, ChokepointBridge.VERSION, "the pinned shape below is that of version 1");
        assertEquals(new TreeSet<>(Arrays.asList(
                "ChokepointBridge.afterWait[]:void",
                "ChokepointBridge.awaitBuffer[class java.util.concurrent.CompletableFuture]:Object",
                "ChokepointBridge.awaitBuffer[class java.util.concurrent.CompletableFuture, long, class java.util.concurrent.TimeUnit]:Object",
                "ChokepointBridge.beforeWait[long]:long",
                "ChokepointBridge.handlerFailures[]:long",
                "ChokepointBridge.install[interface dev.chokepoint.bootstrap.ChokepointBridge$Handler]:void",
                "Handler.requestEnded[long]:void",
                "Handler.requestStarted[]:long")), members,
                "the bridge's members changed: bump ChokepointBridge.VERSION and pin the new shape here");
        assertEquals(ChokepointBridge.VERSION, BootstrapBridge.VERSION);
    }

    @Test
    void theNestedClassesAreInjected() {
        Set<String> declared = new HashSet<>();
        declared.add(ChokepointBridge.class.getName());
        for (Class<?> nested : ChokepointBridge.class.getDeclaredClasses()) {
            declared.add(nested.getName());
        }
        assertEquals(declared, BootstrapBridge.CLASSES);
    }
}

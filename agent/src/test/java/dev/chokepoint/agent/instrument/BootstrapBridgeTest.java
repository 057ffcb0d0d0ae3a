package dev.chokepoint.agent.instrument;

import dev.chokepoint.bootstrap.ChokepointBridge;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.Set;

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

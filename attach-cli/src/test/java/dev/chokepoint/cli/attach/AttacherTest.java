package dev.chokepoint.cli.attach;

import dev.chokepoint.cli.common.CliException;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttacherTest {

    @Test
    void aJvmOlderThanJava8IsRefusedWithItsVersion() {
        Properties java7 = new Properties();
        java7.setProperty("java.specification.version", "1.7");
        java7.setProperty("java.version", "1.7.0_80");
        CliException e = assertThrows(CliException.class, () -> Attacher.checkJavaVersion(42, java7));
        assertEquals("JVM 42 runs Java 1.7 (1.7.0_80); the Chokepoint agent needs Java 8 or later", e.getMessage());
        assertEquals("run the job on Java 8+ (Flink itself needs 8+)", e.hint());

        Properties java8 = new Properties();
        java8.setProperty("java.specification.version", "1.8");
        Attacher.checkJavaVersion(42, java8);
        assertEquals(8, Attacher.javaFeature("1.8"));
        assertEquals(21, Attacher.javaFeature("21"));
    }

    @Test
    void dynamicAgentLoadingFlagLastOneWins() {
        assertTrue(Attacher.enablesDynamicLoading("-Xmx1g -XX:+EnableDynamicAgentLoading"));
        assertFalse(Attacher.enablesDynamicLoading("-XX:+EnableDynamicAgentLoading -XX:-EnableDynamicAgentLoading"));
        assertFalse(Attacher.enablesDynamicLoading(""));
    }

    @Test
    void attachApiMessagesBecomeTheirFixes() {
        long pid = ProcessHandle.current().pid();
        assertTrue(Attacher.attachFailure(pid, new java.io.IOException("Unable to open socket file /tmp/.java_pid" + pid
                + ": target process " + pid + " doesn't respond within 10500ms or HotSpot VM not loaded"))
                .hint().startsWith("its /tmp was cleaned"));
        assertTrue(Attacher.attachFailure(pid, new com.sun.tools.attach.AttachNotSupportedException(
                "The VM does not support the attach mechanism")).getMessage().contains("-XX:+DisableAttachMechanism"));
        assertTrue(Attacher.attachFailure(pid, new java.io.IOException("Permission denied")).getMessage()
                .contains("runs as user"));
    }
}

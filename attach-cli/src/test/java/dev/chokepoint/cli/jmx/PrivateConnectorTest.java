package dev.chokepoint.cli.jmx;

import dev.chokepoint.api.ObjectNames;
import dev.chokepoint.api.PrivateConnector;
import dev.chokepoint.cli.testing.FakeTaskApp;
import dev.chokepoint.cli.testing.JavaProcess;
import dev.chokepoint.cli.testing.LocalJvm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's private connector ({@code serve=<file>}) as a caller other than the CLI meets it, in
 * a real child JVM: the file is the owner's alone, the password is needed and works once, a
 * directory open to other users is refused with one line on the JVM's stderr.
 */
class PrivateConnectorTest {

    private static final String ARGS = "samples=10,delay=10ms,frames=" + FakeTaskApp.BUFFER_FRAME;

    @Test
    void thePasswordIsNeededAndWorksOnce(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.getFileStore(tmp).supportsFileAttributeView("posix"), "needs POSIX permissions");
        Path dir = Files.createDirectory(tmp.resolve("private"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path file = dir.resolve("connector.properties");
        try (JavaProcess app = JavaProcess.builder(FakeTaskApp.class.getName()).javaagent(ARGS)
                .logName("PrivateConnector").start()) {
            app.awaitOutput(FakeTaskApp.READY, Duration.ofSeconds(30));
            LocalJvm.loadAgent(app.pid(), JavaProcess.agentJar().toString(), PrivateConnector.SERVE_OPTION + "=" + file);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            Properties written = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                written.load(in);
            }
            String address = written.getProperty(PrivateConnector.ADDRESS);
            String password = written.getProperty(PrivateConnector.PASSWORD);
            assertTrue(address.startsWith("service:jmx:rmi://127.0.0.1:") && address.contains("/stub/"), address);
            LoopbackRmiSockets.install();
            JMXServiceURL url = new JMXServiceURL(address);

            assertThrows(SecurityException.class, () -> JMXConnectorFactory.connect(url), "no credentials");
            assertThrows(SecurityException.class, () -> JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS,
                    new String[] {PrivateConnector.USER, password + "0"})), "a wrong password");
            try (JMXConnector first = JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS,
                    new String[] {PrivateConnector.USER, password}))) {
                assertTrue(first.getMBeanServerConnection().isRegistered(ObjectNames.AGENT));
                assertThrows(SecurityException.class, () -> JMXConnectorFactory.connect(url, Map.of(
                        JMXConnector.CREDENTIALS, new String[] {PrivateConnector.USER, password})), "the password again");
            }
            // the connection closed: so does the connector, on its own thread soon after; until then
            // the used password is refused, after it nothing listens
            assertTrue(connectorStops(url, password, Duration.ofSeconds(10)), "the connector still listens");
            assertFalse(app.output().contains("ERROR"), app.output());
        }
    }

    private static boolean connectorStops(JMXServiceURL url, String usedPassword, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            try (JMXConnector again = JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS,
                    new String[] {PrivateConnector.USER, usedPassword}))) {
                throw new AssertionError("the used password was accepted again");
            } catch (java.io.IOException stopped) {
                return true;
            } catch (SecurityException stillListening) {
                Thread.sleep(100);
            }
        }
        return false;
    }

    @Test
    void aDirectoryOpenToOthersIsRefused(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.getFileStore(tmp).supportsFileAttributeView("posix"), "needs POSIX permissions");
        Path dir = Files.createDirectory(tmp.resolve("open"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        Path file = dir.resolve("connector.properties");
        try (JavaProcess app = JavaProcess.builder(FakeTaskApp.class.getName()).javaagent(ARGS)
                .logName("PrivateConnector-open").start()) {
            app.awaitOutput(FakeTaskApp.READY, Duration.ofSeconds(30));
            LocalJvm.loadAgent(app.pid(), JavaProcess.agentJar().toString(), PrivateConnector.SERVE_OPTION + "=" + file);
            app.awaitOutput("[chokepoint] ERROR private JMX connector for the chokepoint CLI not started: "
                    + "java.io.IOException: " + dir + " is open to other users (rwxr-xr-x); expected rwx------",
                    Duration.ofSeconds(10));
            assertFalse(Files.exists(file));
            assertFalse(app.output().contains("reconfigured"), "serve= alone changes no setting: " + app.output());
        }
    }
}

package dev.chokepoint.cli.jmx;

import dev.chokepoint.api.PrivateConnector;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Properties;

/**
 * Where the agent tells this command how to reach its private JMX connector: a directory that only
 * the target JVM's OS user can enter (mode 700, created here, given to that user when this command
 * runs as root), and in it the file the agent writes (mode 600) with the connector's address and
 * one-time password. Read once, then deleted with its directory.
 */
public final class PrivateConnectorFile implements AutoCloseable {

    private static final String FILE_NAME = "connector.properties";

    private final Path dir;
    private final Path file;

    private PrivateConnectorFile(Path dir) {
        this.dir = dir;
        this.file = dir.resolve(FILE_NAME);
    }

    /** {@code owner}: the target JVM's OS user when it is not this process's (root attaching), else null. */
    public static PrivateConnectorFile create(String owner) throws AttachFailure {
        Path base = Paths.get(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        Path dir;
        try {
            dir = posix()
                    ? Files.createTempDirectory(base, "chokepoint-", PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")))
                    : Files.createTempDirectory(base, "chokepoint-");
        } catch (IOException | RuntimeException e) {
            throw new AttachFailure("cannot create a private directory in " + base + ": " + e, e);
        }
        PrivateConnectorFile created = new PrivateConnectorFile(dir);
        try {
            if (owner != null) {
                UserPrincipal user = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(owner);
                Files.setOwner(dir, user);
            }
        } catch (IOException | RuntimeException e) {
            created.close();
            throw new AttachFailure("cannot give " + dir + " to user " + owner + ": " + e, e);
        }
        if (created.file.toString().contains(",")) {
            created.close();
            throw new AttachFailure("the temporary directory " + base + " has a comma in its path, which the agent"
                    + " argument cannot carry", null);
        }
        return created;
    }

    /** The agent option that asks the agent to open its connector and write this file. */
    public String agentOption() {
        return PrivateConnector.SERVE_OPTION + "=" + file;
    }

    /** Reads the file the agent wrote, deletes it, and connects. */
    public LocalJmxConnection connect(long pid) throws AttachFailure {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new AttachFailure("the Chokepoint agent in JVM " + pid + " did not open its JMX connector for this"
                    + " command (no " + file + ")", e);
        } finally {
            close();
        }
        String address = properties.getProperty(PrivateConnector.ADDRESS);
        String password = properties.getProperty(PrivateConnector.PASSWORD);
        if (address == null || password == null) {
            throw new AttachFailure("the Chokepoint agent in JVM " + pid + " wrote no address or password for its JMX"
                    + " connector", null);
        }
        return LocalJmxConnection.connectPrivate(pid, address, password);
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(file.resolveSibling(FILE_NAME + ".partial"));
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a leftover empty directory of our own user; nothing to do about it here
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}

package dev.chokepoint.agent.serve;

import dev.chokepoint.agent.log.AgentLog;
import dev.chokepoint.api.AgentThreads;
import dev.chokepoint.api.PrivateConnector;

import javax.management.Notification;
import javax.management.NotificationListener;
import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXConnectionNotification;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.security.auth.Subject;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.rmi.server.RMIServerSocketFactory;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A JMX connector for one {@code chokepoint} CLI command, so that the CLI need not start the JDK's
 * local management agent (which stays open for the JVM's life, on all interfaces, without a
 * password). It listens on the loopback address only, on an ephemeral port, with no RMI registry
 * (the address carries the server's stub); it accepts one connection, authenticated by a random
 * one-time password that goes, with the address, into a file only the JVM's own user can read. It
 * stops (and the RMI runtime closes its listening socket) when that connection closes or fails,
 * when no connection was open for {@link PrivateConnector#IDLE_SECONDS}, or on detach. Never throws.
 */
public final class PrivateJmxServer {

    private static final Set<PrivateJmxServer> RUNNING = new CopyOnWriteArraySet<>();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long IDLE_MILLIS = PrivateConnector.IDLE_SECONDS * 1000L;
    /** After a detach, how long a connector may stay so that the detach call's own answer gets out. */
    private static final long DETACH_GRACE_MILLIS = 2_000;

    private final JMXConnectorServer server;
    private final Object lock = new Object();
    /** Connections open now. */
    private int open;
    private boolean everOpened;
    /** Until when the connector waits for its one connection. */
    private final long idleDeadline;
    /** When it stops because the agent was detached; {@code Long.MAX_VALUE} until then. */
    private long detachDeadline = Long.MAX_VALUE;

    private PrivateJmxServer(JMXConnectorServer server) {
        this.server = server;
        this.idleDeadline = System.currentTimeMillis() + IDLE_MILLIS;
    }

    /**
     * Starts a connector and writes its address and password to {@code file}; false (after one line
     * on stderr) when it cannot.
     */
    public static boolean serve(String file) {
        try {
            Path target = checkedTarget(file);
            guardObjectIds();
            byte[] password = new byte[32];
            RANDOM.nextBytes(password);
            String secret = hex(password);
            LoopbackSocketFactory sockets = new LoopbackSocketFactory();
            try {
                return start(target, secret, sockets);
            } finally {
                sockets.closeUnused();
            }
        } catch (Throwable t) {
            AgentLog.error("private JMX connector for the chokepoint CLI not started: " + t);
            return false;
        }
    }

    private static boolean start(Path target, String secret, LoopbackSocketFactory sockets) throws Exception {
        Map<String, Object> env = new HashMap<>();
        env.put(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, sockets);
        env.put(JMXConnectorServer.AUTHENTICATOR, new OneTimePassword(secret));
        // Before authentication, read nothing from a caller but the user name and password.
        env.put("jmx.remote.rmi.server.credential.types",
                new String[] {String[].class.getName(), String.class.getName()});
        // A client that went silent (killed) loses its connection after this, and the connector closes.
        env.put("jmx.remote.x.server.connection.timeout", IDLE_MILLIS);
        // No JNDI path in the address: it carries the exported server's stub itself; no RMI registry.
        JMXServiceURL url = new JMXServiceURL("rmi", InetAddress.getLoopbackAddress().getHostAddress(),
                sockets.port());
        JMXConnectorServer server = new RMIConnectorServer(url, env, ManagementFactory.getPlatformMBeanServer());
        PrivateJmxServer served = new PrivateJmxServer(server);
        server.addNotificationListener(served.listener(), null, null);
        server.start();
        try {
            write(target, server.getAddress().toString(), secret);
            RUNNING.add(served);
            Thread watchdog = new Thread(served::watch, AgentThreads.CONNECTOR);
            watchdog.setDaemon(true);
            watchdog.start();
            return true;
        } catch (Throwable t) {
            stopQuietly(server);
            throw t;
        }
    }

    /** On detach: every connector stops soon, after the detach call has answered. */
    public static void stopAllSoon() {
        for (PrivateJmxServer served : RUNNING) {
            synchronized (served.lock) {
                served.detachDeadline = Math.min(served.detachDeadline, System.currentTimeMillis() + DETACH_GRACE_MILLIS);
                served.lock.notifyAll();
            }
        }
    }

    /** The number of connectors open now (for tests and the detach log line). */
    public static int running() {
        return RUNNING.size();
    }

    private NotificationListener listener() {
        return new NotificationListener() {
            @Override
            public void handleNotification(Notification notification, Object handback) {
                String type = notification.getType();
                synchronized (lock) {
                    if (JMXConnectionNotification.OPENED.equals(type)) {
                        open++;
                        everOpened = true;
                    } else if (JMXConnectionNotification.CLOSED.equals(type)
                            || JMXConnectionNotification.FAILED.equals(type)) {
                        open--;
                    }
                    lock.notifyAll();
                }
            }
        };
    }

    /** The connector's own daemon thread: waits for the connection to end, then stops the connector. */
    private void watch() {
        try {
            synchronized (lock) {
                while (true) {
                    long now = System.currentTimeMillis();
                    if (everOpened && open <= 0) {
                        break; // the one connection is over; its password cannot be used again
                    }
                    if (!everOpened && now >= idleDeadline) {
                        AgentLog.info("private JMX connector closed: no chokepoint CLI connected within "
                                + PrivateConnector.IDLE_SECONDS + " s");
                        break;
                    }
                    if (now >= detachDeadline) {
                        break;
                    }
                    long until = Math.min(everOpened ? Long.MAX_VALUE : idleDeadline, detachDeadline);
                    lock.wait(Math.max(1, Math.min(1_000, until - now)));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            AgentLog.errorOnce("connector-watch", "private JMX connector watchdog failed, closing the connector: " + t);
        } finally {
            stopQuietly(server);
            RUNNING.remove(this);
        }
    }

    private static void stopQuietly(JMXConnectorServer server) {
        try {
            server.stop();
        } catch (Throwable t) {
            AgentLog.errorOnce("connector-stop", "private JMX connector did not stop cleanly: " + t);
        }
    }

    /** The file the CLI asked for: absolute, not there yet, in a directory of this user alone. */
    private static Path checkedTarget(String file) throws IOException {
        Path target = Paths.get(file);
        if (!target.isAbsolute() || target.getParent() == null) {
            throw new IOException("'" + file + "' is not an absolute path");
        }
        Path dir = target.getParent();
        if (!Files.isDirectory(dir)) {
            throw new IOException("no directory " + dir);
        }
        if (posix()) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir);
            for (PosixFilePermission permission : permissions) {
                if (!permission.name().startsWith("OWNER_")) {
                    throw new IOException(dir + " is open to other users (" + PosixFilePermissions.toString(permissions)
                            + "); expected rwx------");
                }
            }
        }
        return target;
    }

    private static void write(Path target, String address, String password) throws IOException {
        Properties properties = new Properties();
        properties.setProperty(PrivateConnector.ADDRESS, address);
        properties.setProperty(PrivateConnector.PASSWORD, password);
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        OutputStream out = posix()
                ? Files.newOutputStream(Files.createFile(partial, PosixFilePermissions.asFileAttribute(
                        EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE))),
                        StandardOpenOption.WRITE)
                : Files.newOutputStream(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            properties.store(out, null);
        } finally {
            out.close();
        }
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    /**
     * A connection's server object is reached by its object id: it must be random, or another local
     * user could call an authenticated connection by guessing it. Java 9+ draws them at random
     * unless {@code java.rmi.server.randomIDs=false}; the JDK's own local agent sets it to true.
     */
    private static void guardObjectIds() throws IOException {
        String randomIds = System.getProperty("java.rmi.server.randomIDs");
        if (randomIds == null) {
            if (System.getProperty("java.specification.version", "").startsWith("1.")) {
                System.setProperty("java.rmi.server.randomIDs", "true");
            }
        } else if (!Boolean.parseBoolean(randomIds)) {
            throw new IOException("this JVM runs with -Djava.rmi.server.randomIDs=" + randomIds
                    + ": RMI object ids would be guessable");
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder text = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            text.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return text.toString();
    }

    /**
     * Listens on the loopback address only, on a port it binds when created. The connector is
     * exported on that port, not on port 0: the RMI runtime closes a listening socket when the last
     * object exported on it goes, but only for an explicit port; one exported on port 0 stays open
     * for later exports. Binding first (and handing that very socket to RMI) leaves no race for the
     * port. Equal to itself only, so that the connector's objects share this one socket.
     */
    static final class LoopbackSocketFactory implements RMIServerSocketFactory {
        private final int port;
        private ServerSocket bound;

        LoopbackSocketFactory() throws IOException {
            this.bound = new ServerSocket(0, 0, InetAddress.getLoopbackAddress());
            this.port = bound.getLocalPort();
        }

        int port() {
            return port;
        }

        @Override
        public synchronized ServerSocket createServerSocket(int requested) throws IOException {
            if (bound != null && requested == port) {
                ServerSocket socket = bound;
                bound = null;
                return socket;
            }
            return new ServerSocket(requested, 0, InetAddress.getLoopbackAddress());
        }

        /** Closes the socket bound at creation if RMI never took it (the connector did not start). */
        synchronized void closeUnused() {
            if (bound != null) {
                try {
                    bound.close();
                } catch (IOException ignored) {
                    // it was never listened on by anyone
                }
                bound = null;
            }
        }
    }

    /** Accepts {@code {user, password}} once. */
    static final class OneTimePassword implements JMXAuthenticator {
        private final byte[] expected;
        private final AtomicBoolean used = new AtomicBoolean();

        OneTimePassword(String password) {
            this.expected = (PrivateConnector.USER + "\n" + password).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public Subject authenticate(Object credentials) {
            if (credentials instanceof String[] && ((String[]) credentials).length == 2) {
                String[] pair = (String[]) credentials;
                byte[] given = (pair[0] + "\n" + pair[1]).getBytes(StandardCharsets.UTF_8);
                if (MessageDigest.isEqual(expected, given) && used.compareAndSet(false, true)) {
                    return new Subject();
                }
            }
            throw new SecurityException("authentication failed");
        }
    }
}

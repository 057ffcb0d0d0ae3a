package dev.chokepoint.cli.testing;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The sockets a process holds, read from Linux {@code /proc} without touching the process: every
 * socket by inode ({@code /proc/<pid>/fd} → {@code socket:[inode]}), and a description of those
 * that accept connections or datagrams: TCP in state LISTEN ({@code /proc/<pid>/net/tcp}, {@code tcp6}),
 * any bound UDP socket, a Unix socket in state listening ({@code /proc/<pid>/net/unix}).
 */
public final class ListeningSockets {

    public final Set<String> all = new HashSet<>();
    public final List<String> listening = new ArrayList<>();

    private ListeningSockets() {
    }

    /** Whether this machine has the {@code /proc} this reading needs (Linux). */
    public static boolean supported() {
        return Files.isDirectory(Paths.get("/proc/self/fd")) && Files.exists(Paths.get("/proc/self/net/tcp"));
    }

    public static ListeningSockets of(long pid) throws IOException {
        ListeningSockets sockets = new ListeningSockets();
        Path proc = Paths.get("/proc", Long.toString(pid));
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        sockets.all.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException closed) {
                    // closed while we listed
                }
            }
        }
        for (String table : List.of("tcp", "tcp6")) {
            for (String[] row : rows(proc.resolve("net").resolve(table))) {
                // sl local_address rem_address st tx:rx tr:tm retrnsmt uid timeout inode
                if (sockets.all.contains(row[9]) && "0A".equals(row[3])) {
                    sockets.listening.add(table + " LISTEN " + row[1] + " inode " + row[9]);
                }
            }
        }
        for (String table : List.of("udp", "udp6")) {
            for (String[] row : rows(proc.resolve("net").resolve(table))) {
                if (sockets.all.contains(row[9])) {
                    sockets.listening.add(table + " bound " + row[1] + " inode " + row[9]);
                }
            }
        }
        for (String[] row : rows(proc.resolve("net").resolve("unix"))) {
            // Num RefCount Protocol Flags Type St Inode [Path]; Flags 00010000 = accepting connections
            if (row.length > 6 && sockets.all.contains(row[6]) && "00010000".equals(row[3])) {
                sockets.listening.add("unix listening " + (row.length > 7 ? row[7] : "<unnamed>") + " inode " + row[6]);
            }
        }
        return sockets;
    }

    /**
     * The listening sockets without the JDK's attach listener ({@code .java_pid<pid>}, a Unix socket
     * file in {@code /tmp} that only the JVM's own user can open): the JVM creates it at the first
     * attach by any tool ({@code jcmd}, {@code jstack}, {@code chokepoint list}) and keeps it for life.
     */
    public Set<String> listeningBesidesAttach(long pid) {
        Set<String> others = new TreeSet<>();
        for (String socket : listening) {
            if (!isAttachListener(socket, pid)) {
                others.add(socket);
            }
        }
        return others;
    }

    public static boolean isAttachListener(String socket, long pid) {
        // bound as .java_pid<pid>.tmp and then renamed: /proc shows the name it was bound to
        return socket.startsWith("unix listening ")
                && (socket.contains("/.java_pid" + pid + " inode ") || socket.contains("/.java_pid" + pid + ".tmp inode "));
    }

    private static List<String[]> rows(Path table) throws IOException {
        List<String[]> rows = new ArrayList<>();
        if (!Files.exists(table)) {
            return rows;
        }
        List<String> lines = Files.readAllLines(table);
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            rows.add(line.trim().split("\\s+"));
        }
        return rows;
    }

    @Override
    public String toString() {
        return all.size() + " sockets " + all + ", listening " + listening;
    }
}

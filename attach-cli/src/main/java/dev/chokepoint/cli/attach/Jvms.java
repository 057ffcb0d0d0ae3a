package dev.chokepoint.cli.attach;

import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import dev.chokepoint.cli.common.CliException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;

/** The local JVMs, and which one a {@code <pid|name>} argument means. */
public final class Jvms {

    private Jvms() {
    }

    /** A JVM the attach mechanism lists (its {@code hsperfdata} file): pid and main class with arguments. */
    public static final class Jvm {
        public final long pid;
        public final String displayName;

        Jvm(long pid, String displayName) {
            this.pid = pid;
            this.displayName = displayName;
        }
    }

    /** The JVMs of this user the attach mechanism can see, without this CLI itself, by pid. */
    public static List<Jvm> list() {
        long self = ProcessHandle.current().pid();
        List<Jvm> jvms = new ArrayList<>();
        for (VirtualMachineDescriptor vm : VirtualMachine.list()) {
            long pid;
            try {
                pid = Long.parseLong(vm.id());
            } catch (NumberFormatException e) {
                continue;
            }
            if (pid != self && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                jvms.add(new Jvm(pid, vm.displayName()));
            }
        }
        jvms.sort(Comparator.comparingLong(j -> j.pid));
        return jvms;
    }

    /** What {@link #flinkKind(String, String)} says of a JVM that is no Flink process. */
    public static final String NOT_FLINK = "-";

    /** {@link #flinkKind(String, String)} from a JVM's system properties (read over the attach mechanism). */
    public static String flinkKind(Properties systemProperties) {
        return flinkKind(systemProperties.getProperty("sun.java.command", ""),
                systemProperties.getProperty("java.class.path", ""));
    }

    /**
     * What kind of Flink process a JVM is, from its main class and class path: TaskManager,
     * JobManager, Flink, embedded (MiniCluster), or {@link #NOT_FLINK}. What {@code list} shows,
     * and what {@code status} asks before it loads the agent by itself.
     */
    public static String flinkKind(String command, String classpath) {
        String main = command.split(" ", 2)[0];
        if (main.contains("TaskManagerRunner") || main.contains("TaskExecutorRunner")) {
            return "TaskManager";
        }
        if (main.startsWith("org.apache.flink.") && main.contains("Entrypoint")) {
            return "JobManager";
        }
        if (main.startsWith("org.apache.flink.")) {
            return "Flink";
        }
        if (classpath.contains("flink-runtime") || classpath.contains("flink-dist")) {
            return "embedded (MiniCluster)";
        }
        return NOT_FLINK;
    }

    /** The pid a {@code <pid|name>} argument means; every way it can be wrong is a {@link CliException}. */
    public static long resolve(String target) {
        if (target.matches("\\d+")) {
            long pid;
            try {
                pid = Long.parseLong(target);
            } catch (NumberFormatException e) {
                throw noSuchPid(target);
            }
            checkPid(pid);
            return pid;
        }
        String needle = target.toLowerCase(Locale.ROOT);
        List<Jvm> matches = list().stream()
                .filter(j -> j.displayName.toLowerCase(Locale.ROOT).contains(needle))
                .collect(Collectors.toList());
        if (matches.isEmpty()) {
            // The attach mechanism does not list JVMs that refuse attach; say so rather than "none".
            long self = ProcessHandle.current().pid();
            Optional<ProcessHandle> refusing = ProcessHandle.allProcesses()
                    .filter(p -> p.pid() != self && p.info().command().map(c -> c.endsWith("java")).orElse(false))
                    .filter(p -> {
                        String line = commandLine(p.pid());
                        return line.contains("-XX:+DisableAttachMechanism")
                                && line.toLowerCase(Locale.ROOT).contains(needle);
                    })
                    .findFirst();
            if (refusing.isPresent()) {
                throw Attacher.disabledAttach(refusing.get().pid(), null);
            }
            throw new CliException("no JVM of user " + user() + " has '" + target + "' in its main class or arguments",
                    "'chokepoint list' shows the JVMs you can attach to; give a pid or another part of the name");
        }
        if (matches.size() > 1) {
            throw new CliException("'" + target + "' matches " + matches.size() + " JVMs: " + matches.stream()
                    .map(j -> j.pid + " (" + shorten(j.displayName, 60) + ")").collect(Collectors.joining(", ")),
                    "give the pid, or a longer part of the name that matches only one");
        }
        return matches.get(0).pid;
    }

    static void checkPid(long pid) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            throw noSuchPid(Long.toString(pid));
        }
        if (pid == ProcessHandle.current().pid()) {
            throw new CliException("pid " + pid + " is this chokepoint command itself", "give the pid of the Flink JVM");
        }
        Optional<String> owner = process.get().info().user();
        if (owner.isPresent() && !sameUser(owner.get(), user()) && !"root".equals(user())) {
            throw otherUser(pid, owner.get());
        }
        if (!catchesSigquit(pid)) {
            throw new CliException("process " + pid + " (" + command(pid) + ") is not a JVM the attach mechanism can reach",
                    "it does not handle SIGQUIT: not a Java process, or a JVM started with -Xrs / -XX:+ReduceSignalUsage"
                            + " (restart it without, or start it with -javaagent:chokepoint-agent.jar)");
        }
    }

    static CliException otherUser(long pid, String owner) {
        return new CliException("JVM " + pid + " runs as user " + owner + ", this command as " + user()
                + ": the attach mechanism only lets a JVM's own user (or root) in",
                "run it as that user: sudo -u " + owner + " chokepoint ...");
    }

    private static CliException noSuchPid(String pid) {
        return new CliException("no process with pid " + pid,
                "'chokepoint list' shows the JVMs you can attach to (the process may have exited)");
    }

    /** On Linux a JVM catches SIGQUIT (unless -Xrs); sending it to any other process would kill that one. */
    private static boolean catchesSigquit(long pid) {
        Path status = Paths.get("/proc", Long.toString(pid), "status");
        if (!Files.isReadable(status)) {
            return true; // not Linux, or no /proc: let the attach API decide
        }
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
                if (line.startsWith("SigCgt:")) {
                    long caught = Long.parseUnsignedLong(line.substring("SigCgt:".length()).trim(), 16);
                    return (caught & (1L << (3 - 1))) != 0; // SIGQUIT = 3
                }
            }
        } catch (IOException | NumberFormatException e) {
            return true;
        }
        return true;
    }

    /** The process's command line as /proc shows it (arguments NUL-separated), or its command. */
    static String commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Paths.get("/proc", Long.toString(pid), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException | RuntimeException e) {
            return ProcessHandle.of(pid).flatMap(p -> p.info().commandLine()).orElse("");
        }
    }

    private static String command(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().command()).orElse("?");
    }

    static String user() {
        return System.getProperty("user.name");
    }

    private static boolean sameUser(String owner, String user) {
        // Windows reports DOMAIN\\user
        return owner.equals(user) || owner.endsWith("\\" + user);
    }

    public static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }
}

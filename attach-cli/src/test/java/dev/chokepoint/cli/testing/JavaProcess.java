package dev.chokepoint.cli.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real child JVM for tests: by default the test's own JDK, or the one named by the system
 * property {@value #JAVA_HOME_PROPERTY} (e.g. {@code ./mvnw verify -Dchokepoint.test.java.home=/usr/lib/jvm/temurin-25-jdk-amd64});
 * output captured in a log file under {@code target/}, always killed on close so that no test
 * leaves a process behind.
 */
public final class JavaProcess implements AutoCloseable {

    /** The home of the JDK that child JVMs run on; unset or empty: the test JVM's {@code java.home}. */
    public static final String JAVA_HOME_PROPERTY = "chokepoint.test.java.home";

    private final Process process;
    private final Path log;

    private JavaProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** The agent jar built by the agent module; fails with a hint when it has not been built. */
    public static Path agentJar() {
        String property = System.getProperty("chokepoint.agent.jar");
        Path jar = property == null ? Paths.get("../agent/target/chokepoint-agent.jar") : Paths.get(property);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("agent jar not found at " + jar.toAbsolutePath()
                    + ": build it first with ./mvnw package (the reactor builds agent/ before the tests that use it)");
        }
        return jar.toAbsolutePath();
    }

    /**
     * The home of the JDK the child JVMs run on: {@value #JAVA_HOME_PROPERTY} when set, else the
     * test's own {@code java.home}. Fails with the property's value when it is no JDK.
     */
    public static Path javaHome() {
        String property = System.getProperty(JAVA_HOME_PROPERTY, "").trim();
        if (property.isEmpty()) {
            return Paths.get(System.getProperty("java.home"));
        }
        Path home = Paths.get(property).toAbsolutePath();
        if (!Files.isExecutable(home.resolve("bin").resolve("java"))) {
            throw new IllegalStateException("-D" + JAVA_HOME_PROPERTY + "=" + property + " is not a JDK: no bin/java in "
                    + home);
        }
        return home;
    }

    /** A tool of the child JVMs' JDK ({@code java}, {@code jstack}, {@code jcmd}), so that it matches their version. */
    public static Path jdkTool(String name) {
        return javaHome().resolve("bin").resolve(name);
    }

    /**
     * The feature version (17, 21, 25, …) of the child JVMs' JDK: the test JVM's own, or for
     * {@value #JAVA_HOME_PROPERTY} the {@code JAVA_VERSION} of that JDK's {@code release} file.
     */
    public static int javaFeatureVersion() {
        Path home = javaHome();
        if (home.equals(Paths.get(System.getProperty("java.home")))) {
            return Runtime.version().feature();
        }
        try {
            for (String line : Files.readAllLines(home.resolve("release"), StandardCharsets.UTF_8)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Runtime.Version.parse(version.startsWith("1.") ? version.substring(2) : version).feature();
                }
            }
            throw new IllegalStateException("no JAVA_VERSION in " + home.resolve("release"));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot tell the Java version of " + home + ": " + e, e);
        }
    }

    /** The test's own classpath, without the agent's classes (the agent must come only from its shaded jar). */
    public static String testClasspath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.contains("chokepoint-agent") && !entry.replace('\\', '/').contains("/agent/target/")) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    public static Builder builder(String mainClass) {
        return new Builder(mainClass);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Process process() {
        return process;
    }

    public Path log() {
        return log;
    }

    /** Everything the child printed so far (stdout and stderr interleaved). */
    public String output() {
        try {
            return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<cannot read " + log + ": " + e.getMessage() + ">";
        }
    }

    /** Waits until the child prints {@code text}; fails with its output when it exits or times out. */
    public void awaitOutput(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (output().contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("child JVM exited with " + process.exitValue() + " before printing '"
                        + text + "':\n" + output());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("child JVM did not print '" + text + "' within " + timeout + ":\n" + output());
    }

    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("child JVM still running after " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    public static final class Builder {
        private final String mainClass;
        private final List<String> jvmArgs = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private String classpath = testClasspath();
        private String logName;

        private Builder(String mainClass) {
            this.mainClass = mainClass;
            this.logName = mainClass.substring(mainClass.lastIndexOf('.') + 1);
        }

        public Builder classpath(String classpath) {
            this.classpath = classpath;
            return this;
        }

        public Builder jvmArgs(String... jvmArgs) {
            this.jvmArgs.addAll(Arrays.asList(jvmArgs));
            return this;
        }

        /** {@code -javaagent:<agent jar>[=options]}. */
        public Builder javaagent(String options) {
            String agent = "-javaagent:" + agentJar();
            jvmArgs.add(options == null || options.isEmpty() ? agent : agent + "=" + options);
            return this;
        }

        public Builder args(String... args) {
            this.args.addAll(Arrays.asList(args));
            return this;
        }

        public Builder logName(String logName) {
            this.logName = logName;
            return this;
        }

        public JavaProcess start() throws IOException {
            Path logDir = Paths.get("target", "child-jvms");
            Files.createDirectories(logDir);
            Path log = logDir.resolve(logName + "-" + System.nanoTime() + ".log");
            Path tmp = Paths.get("target", "tmp").toAbsolutePath();
            Files.createDirectories(tmp);
            List<String> command = new ArrayList<>();
            command.add(jdkTool("java").toString());
            command.add("-Djava.io.tmpdir=" + tmp);
            command.addAll(jvmArgs);
            command.add("-cp");
            command.add(classpath);
            command.add(mainClass);
            command.addAll(args);
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new JavaProcess(process, log);
        }
    }
}

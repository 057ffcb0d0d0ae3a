package dev.chokepoint.bench.job;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One measurement run: a fresh JVM on this JVM's JDK and classpath, with the given JVM flags, the
 * agent or not, output to a log file; returns the log's lines once it has exited with 0.
 */
final class ChildJvm {

    private ChildJvm() {
    }

    /**
     * The command line; {@code agentOption} is the whole {@code -javaagent:...} option or null.
     * Everything apart from that option is the same in every configuration.
     */
    static List<String> command(List<String> jvmFlags, String agentOption, Path tmpDir, String mainClass,
                                List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        if (agentOption != null) {
            command.add(agentOption);
        }
        command.add("-Djava.io.tmpdir=" + tmpDir);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    static String agentOption(Path agentJar, String agentArgs) {
        return "-javaagent:" + agentJar + (agentArgs == null || agentArgs.isEmpty() ? "" : "=" + agentArgs);
    }

    static List<String> run(List<String> command, Path log, Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("child JVM still running after " + timeout.toSeconds() + " s, killed; see " + log);
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IllegalStateException("child JVM exited with " + process.exitValue() + "; see " + log
                    + tail(lines));
        }
        return lines;
    }

    private static String tail(List<String> lines) {
        StringBuilder out = new StringBuilder();
        for (String line : lines.subList(Math.max(0, lines.size() - 15), lines.size())) {
            out.append(System.lineSeparator()).append("  | ").append(line);
        }
        return out.toString();
    }
}

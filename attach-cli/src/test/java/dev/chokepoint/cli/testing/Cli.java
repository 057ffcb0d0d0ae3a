package dev.chokepoint.cli.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real CLI jar ({@code target/chokepoint.jar}) as a process, as a user would. */
public final class Cli {

    public final int exitCode;
    public final String out;
    public final String err;

    private Cli(int exitCode, String out, String err) {
        this.exitCode = exitCode;
        this.out = out;
        this.err = err;
    }

    public static Path jar() {
        String property = System.getProperty("chokepoint.cli.jar");
        Path jar = property == null ? Paths.get("target", "chokepoint.jar") : Paths.get(property);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("CLI jar not found at " + jar.toAbsolutePath()
                    + ": these tests run in the integration-test phase, after package");
        }
        return jar.toAbsolutePath();
    }

    public static String java() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code java -jar chokepoint.jar args...}. */
    public static Cli run(String... args) throws IOException, InterruptedException {
        return run(List.of(), List.of(), Map.of(), args);
    }

    /** {@code prefix... java jvmOptions... -jar chokepoint.jar args...} with extra environment variables. */
    public static Cli run(List<String> prefix, List<String> jvmOptions, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.add(java());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(Arrays.asList(args));
        Path dir = Files.createDirectories(Paths.get("target", "cli-runs"));
        Path out = dir.resolve("out-" + System.nanoTime() + ".txt");
        Path err = dir.resolve("err-" + System.nanoTime() + ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().remove("NO_COLOR");
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("chokepoint " + String.join(" ", args) + " did not finish within 90 s:\n"
                    + Files.readString(out) + Files.readString(err));
        }
        return new Cli(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}

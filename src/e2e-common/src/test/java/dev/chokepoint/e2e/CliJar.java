package dev.chokepoint.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real {@code chokepoint} jar (attach-cli's build output), run as an operator runs it: a JVM of
 * the test's JDK, {@code java -jar chokepoint.jar <args>}, its standard error passed through.
 */
final class CliJar {

    private CliJar() {
    }

    /** Runs it to the end within {@code timeout}; asserts exit 0 and returns its standard output, trimmed. */
    static String run(Duration timeout, String... args) throws Exception {
        Path cli = Paths.get("..", "..", "attach-cli", "target", "chokepoint.jar").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(cli), "build the CLI first: " + cli);
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", cli.toString()));
        command.addAll(Arrays.asList(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS),
                "chokepoint " + String.join(" ", args) + " did not finish");
        assertEquals(0, process.exitValue(), "chokepoint " + String.join(" ", args) + ": " + output);
        return output;
    }
}

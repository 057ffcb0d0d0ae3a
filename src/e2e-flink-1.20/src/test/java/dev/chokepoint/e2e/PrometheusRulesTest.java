package dev.chokepoint.e2e;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code contrib/prometheus/chokepoint-rules.yml} through Prometheus' own tool: it must be valid,
 * and its unit tests ({@code chokepoint-rules.test.yml}: the origin, HIGH-for-5-minutes and skew
 * alerts on series shaped like Flink's reporter's) must pass. Independent of the Flink version, so
 * in this module only. {@code .ci/run} installs promtool (Debian's prometheus package).
 */
class PrometheusRulesTest {

    @Test
    void promtoolAcceptsTheRules() throws Exception {
        String output = promtool("check", "rules", Contrib.file(Contrib.RULES).toString());
        assertTrue(output.matches("(?s).*SUCCESS: \\d+ rules found.*"), "promtool check rules:\n" + output);
    }

    @Test
    void theRulesPassTheirUnitTests() throws Exception {
        String output = promtool("test", "rules", Contrib.file(Contrib.RULES_TEST).toString());
        assertTrue(output.contains("SUCCESS"), "promtool test rules:\n" + output);
    }

    /** Runs promtool, failing with its output unless it exits 0. */
    private static String promtool(String... args) throws IOException, InterruptedException {
        Path promtool = Prometheus.onPath("promtool").orElse(null);
        assumeTrue(promtool != null, "no promtool on the PATH: .ci/run installs it with Debian's prometheus package");
        List<String> command = new ArrayList<>();
        command.add(promtool.toString());
        command.addAll(Arrays.asList(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool still running: " + command);
            assertEquals(0, process.exitValue(), command + ":\n" + output);
            return output;
        } finally {
            process.destroyForcibly();
        }
    }
}

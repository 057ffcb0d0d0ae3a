package dev.chokepoint.demo;

import dev.chokepoint.api.BackPressureLevel;
import dev.chokepoint.api.StatusJson;
import dev.chokepoint.cli.rest.JsonTree;
import dev.chokepoint.cli.testing.JavaProcess;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real CLI jar ({@code attach-cli/target/chokepoint.jar}) against a real Flink 1.20 MiniCluster
 * job whose slow operator is known: {@code chokepoint status --wait --json} names it as the origin.
 */
class CliOnFlinkJobTest {

    @Test
    void statusJsonNamesTheSlowOperatorAsTheOrigin() throws Exception {
        Path cli = Paths.get("..", "..", "attach-cli", "target", "chokepoint.jar").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(cli), "build the CLI first: " + cli);
        try (JavaProcess job = JavaProcess.builder(DemoJob.class.getName()).logName("DemoJob-cli").start()) {
            job.awaitOutput(DemoJob.READY, Duration.ofSeconds(120));
            Process status = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", cli.toString(), "status", Long.toString(job.pid()), "--wait", "--json",
                    "--agent", JavaProcess.agentJar().toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String json = new String(status.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(status.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, status.exitValue(), json);

            Map<?, ?> report = (Map<?, ?>) JsonTree.parse(json.getBytes(StandardCharsets.UTF_8));
            List<String> vertices = new ArrayList<>();
            List<String> levels = new ArrayList<>();
            for (Object vertex : (List<?>) report.get(StatusJson.VERTICES)) {
                vertices.add((String) ((Map<?, ?>) vertex).get(StatusJson.NAME));
                levels.add((String) ((Map<?, ?>) vertex).get(StatusJson.BACKPRESSURE_LEVEL));
            }
            Object origin = ((Map<?, ?>) report.get(StatusJson.ORIGIN)).get(StatusJson.VERTEX);
            assertEquals(DemoJob.VERTICES, vertices, json);
            assertEquals(BackPressureLevel.HIGH.name(), levels.get(0), json);
            assertEquals(DemoJob.ENRICH, origin, json);
        }
    }
}

package dev.chokepoint.demo;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.chokepoint.api.BackPressureLevel;
import dev.chokepoint.api.StatusJson;
import dev.chokepoint.cli.testing.JavaProcess;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

            List<String> vertices = new ArrayList<>();
            List<String> levels = new ArrayList<>();
            String origin = null;
            try (JsonParser parser = new JsonFactory().createParser(json)) {
                int depth = 0;
                String field = null;
                boolean inOrigin = false;
                for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                    if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                        depth++;
                        inOrigin = StatusJson.ORIGIN.equals(field) && depth == 2;
                    } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                        depth--;
                    } else if (token == JsonToken.FIELD_NAME) {
                        field = parser.currentName();
                    } else if (depth == 3 && StatusJson.NAME.equals(field)) {
                        vertices.add(parser.getText());
                    } else if (depth == 3 && StatusJson.BACKPRESSURE_LEVEL.equals(field)) {
                        levels.add(parser.getText());
                    } else if (inOrigin && StatusJson.VERTEX.equals(field) && depth == 2) {
                        origin = parser.getText();
                    }
                }
            }
            assertEquals(DemoJob.VERTICES, vertices, json);
            assertEquals(BackPressureLevel.HIGH.name(), levels.get(0), json);
            assertEquals(DemoJob.ENRICH, origin, json);
        }
    }
}

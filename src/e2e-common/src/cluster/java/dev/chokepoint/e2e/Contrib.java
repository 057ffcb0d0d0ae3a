package dev.chokepoint.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The files under the repository's {@code contrib/} that users load into Prometheus, Grafana and jmx_exporter. */
final class Contrib {

    static final String RULES = "prometheus/chokepoint-rules.yml";
    static final String RULES_TEST = "prometheus/chokepoint-rules.test.yml";
    static final String DASHBOARD = "grafana/chokepoint-dashboard.json";
    static final String JMX_EXPORTER = "jmx_exporter/chokepoint.yml";

    private Contrib() {
    }

    /** A file of {@code contrib/}, seen from a module under {@code src/} (surefire runs in the module's directory). */
    static Path file(String relative) {
        Path file = Paths.get("..", "..", "contrib").resolve(relative).toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("contrib file missing: " + file);
        }
        return file;
    }
}

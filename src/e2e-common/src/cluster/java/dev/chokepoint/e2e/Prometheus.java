package dev.chokepoint.e2e;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (Debian's {@code prometheus} package, which {@code .ci/run} installs) of
 * the test's own: its own configuration, its data under {@code target/}, on a free loopback port,
 * scraping every second. Killed on {@link #close()}.
 */
public final class Prometheus implements AutoCloseable {

    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path log;
    private final int port;

    private Prometheus(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** An executable on the PATH ({@code prometheus}, {@code promtool}), if there is one. */
    public static Optional<Path> onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Paths.get(dir, tool);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String url() {
        return "http://" + Loopback.HOST + ":" + port;
    }

    /**
     * An instant query through the HTTP API: its {@code data}. Fails with Prometheus' own error when
     * the query does not parse or evaluate (HTTP 400/422, {@code "status":"error"}).
     */
    public JsonNode query(String promql) throws IOException {
        JsonNode answer = JSON.readTree(Loopback.get(url() + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8.name())));
        if (!"success".equals(answer.path("status").asText())) {
            throw new IOException("query " + promql + ": " + answer);
        }
        return answer.path("data");
    }

    /** {@code GET /api/v1/<path>}: its {@code data}. */
    public JsonNode api(String path) throws IOException {
        JsonNode answer = JSON.readTree(Loopback.get(url() + "/api/v1/" + path));
        if (!"success".equals(answer.path("status").asText())) {
            throw new IOException(path + ": " + answer);
        }
        return answer.path("data");
    }

    public String output() {
        try {
            return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<cannot read " + log + ": " + e.getMessage() + ">";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    public static final class Builder {
        private final String name;
        private final Map<String, List<String>> scrapeJobs = new LinkedHashMap<>();
        private final List<Path> ruleFiles = new ArrayList<>();

        private Builder(String name) {
            this.name = name;
        }

        /** A scrape job: its {@code job} label and its {@code host:port} targets. */
        public Builder scrape(String job, List<String> targets) {
            scrapeJobs.put(job, new ArrayList<>(targets));
            return this;
        }

        public Builder ruleFile(Path file) {
            ruleFiles.add(file.toAbsolutePath());
            return this;
        }

        public Prometheus start() throws IOException, InterruptedException {
            Path binary = onPath("prometheus").orElseThrow(() -> new IllegalStateException(
                    "no prometheus on the PATH: .ci/run installs Debian's prometheus package"));
            Path dir = Paths.get("target", "prometheus", name + "-" + System.nanoTime()).toAbsolutePath();
            Files.createDirectories(dir);
            Path config = dir.resolve("prometheus.yml");
            Files.write(config, config().getBytes(StandardCharsets.UTF_8));
            int port = Loopback.freePort();
            Path log = dir.resolve("prometheus.log");
            List<String> command = new ArrayList<>();
            command.add(binary.toString());
            command.add("--config.file=" + config);
            command.add("--storage.tsdb.path=" + dir.resolve("data"));
            command.add("--web.listen-address=" + Loopback.HOST + ":" + port);
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Prometheus prometheus = new Prometheus(process, log, port);
            System.out.printf("[%s] prometheus: pid %d, %s, log %s%n", name, process.pid(), prometheus.url(), log);
            try {
                prometheus.awaitReady();
                return prometheus;
            } catch (IOException | InterruptedException | RuntimeException | Error e) {
                prometheus.close();
                throw e;
            }
        }

        /** Scrapes and rule evaluations every second: the tests wait for series, not for minutes. */
        private String config() {
            StringBuilder yaml = new StringBuilder("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n");
            if (!ruleFiles.isEmpty()) {
                yaml.append("rule_files:\n");
                ruleFiles.forEach(file -> yaml.append("  - '").append(file).append("'\n"));
            }
            yaml.append("scrape_configs:\n");
            scrapeJobs.forEach((job, targets) -> {
                yaml.append("  - job_name: '").append(job).append("'\n    static_configs:\n      - targets: [");
                for (int i = 0; i < targets.size(); i++) {
                    yaml.append(i == 0 ? "" : ", ").append('\'').append(targets.get(i)).append('\'');
                }
                yaml.append("]\n");
            });
            return yaml.toString();
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("prometheus exited with " + process.exitValue() + ":\n" + output());
            }
            try {
                Loopback.get(url() + "/-/ready");
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("prometheus not ready within " + START_TIMEOUT + ":\n" + output());
    }
}

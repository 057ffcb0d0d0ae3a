package dev.chokepoint.e2e;

import dev.chokepoint.cli.testing.JavaProcess;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * A Flink standalone session cluster of real child JVMs, as {@code start-cluster.sh} would run it,
 * but from the Maven artifacts on the test classpath ({@code flink-dist} is not on Maven Central):
 * one JobManager ({@value #JOB_MANAGER_MAIN}) and N TaskManagers ({@value #TASK_MANAGER_MAIN}) of
 * one slot each, all on loopback, with Flink's Prometheus reporter on every TaskManager.
 *
 * <p>Everything it starts is a {@link JavaProcess}, killed with its descendants on {@link #close()}
 * (also when {@link Builder#start()} fails half-way), so that no test leaves a JVM behind.
 */
public final class StandaloneCluster implements AutoCloseable {

    static final String JOB_MANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    static final String TASK_MANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    static final String PROMETHEUS_REPORTER_FACTORY = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
    /** What a TaskManager is called in its {@code tm_id} metric label and the REST API. */
    static final String TASK_MANAGER_ID_PREFIX = "tm-";

    static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    static final Duration SUBMIT_TIMEOUT = Duration.ofSeconds(120);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Path dir;
    private final String classpath;
    private final int restPort;
    private final List<Integer> reporterPorts;
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<JavaProcess> processes = new ArrayList<>();
    private JavaProcess jobManager;
    private final List<JavaProcess> taskManagers = new ArrayList<>();

    private StandaloneCluster(String name, Path dir, String classpath, int restPort, List<Integer> reporterPorts) {
        this.name = name;
        this.dir = dir;
        this.classpath = classpath;
        this.restPort = restPort;
        this.reporterPorts = reporterPorts;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String restUrl() {
        return "http://" + Loopback.HOST + ":" + restPort;
    }

    /** The {@code host:port} of each TaskManager's Flink Prometheus reporter, TaskManager 0 first. */
    public List<String> reporterTargets() {
        List<String> targets = new ArrayList<>();
        for (int port : reporterPorts) {
            targets.add(Loopback.HOST + ":" + port);
        }
        return targets;
    }

    /** Where its configuration, temp files and blobs are (under target/). */
    public Path dir() {
        return dir;
    }

    public List<JavaProcess> taskManagers() {
        return Collections.unmodifiableList(taskManagers);
    }

    public JavaProcess jobManager() {
        return jobManager;
    }

    /**
     * Runs {@code mainClass} in a client JVM with {@code rest=<host>:<port>} before {@code args}; the
     * client must submit its job to that REST endpoint, print {@link ClusterJobs#SUBMITTED} followed by the
     * job id, and exit. Returns the job id.
     */
    public String submit(String mainClass, String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>();
        all.add("rest=" + Loopback.HOST + ":" + restPort);
        all.addAll(Arrays.asList(args));
        List<String> clientJvmArgs = new ArrayList<>(jvmArgs);
        clientJvmArgs.add("-Xmx256m");
        try (JavaProcess client = JavaProcess.builder(mainClass).classpath(classpath)
                .jvmArgs(clientJvmArgs.toArray(new String[0])).args(all.toArray(new String[0])).logName(name + "-client").start()) {
            int exit = client.waitFor(SUBMIT_TIMEOUT);
            String output = client.output();
            int at = output.indexOf(ClusterJobs.SUBMITTED);
            if (exit != 0 || at < 0) {
                throw new AssertionError("the client exited with " + exit + " without submitting a job:\n" + output
                        + "\n--- JobManager:\n" + tail(jobManager));
            }
            String rest = output.substring(at + ClusterJobs.SUBMITTED.length()).trim();
            return rest.split("\\s+")[0];
        }
    }

    /** Waits until every vertex of the job runs, failing with the JobManager's log when it does not. */
    public void awaitRunning(String jobId) throws IOException, InterruptedException {
        awaitRest("job " + jobId + " RUNNING in all its vertices", () -> {
            JsonNode job = JSON.readTree(Loopback.get(restUrl() + "/jobs/" + jobId));
            if ("FAILED".equals(job.path("state").asText())) {
                throw new AssertionError("job " + jobId + " FAILED:\n" + Loopback.get(restUrl() + "/jobs/" + jobId
                        + "/exceptions"));
            }
            JsonNode vertices = job.path("vertices");
            if (vertices.size() == 0) {
                return false;
            }
            for (JsonNode vertex : vertices) {
                if (!"RUNNING".equals(vertex.path("status").asText())) {
                    return false;
                }
            }
            return true;
        });
    }

    /** The REST API's view of a path, parsed. */
    public JsonNode rest(String path) throws IOException {
        return JSON.readTree(Loopback.get(restUrl() + path));
    }

    private interface Check {
        boolean done() throws IOException;
    }

    private void awaitRest(String what, Check check) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            for (JavaProcess process : processes) {
                if (!process.isAlive()) {
                    throw new AssertionError(name + ": a cluster JVM exited (" + process.process().exitValue()
                            + ") while waiting for " + what + ":\n" + tail(process));
                }
            }
            try {
                if (check.done()) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new AssertionError(name + ": no " + what + " within " + START_TIMEOUT + " (last: " + last
                + ")\n--- JobManager:\n" + tail(jobManager));
    }

    /** The end of a process's log: enough to see why it failed, short enough to read in a test report. */
    static String tail(JavaProcess process) {
        if (process == null) {
            return "(not started)";
        }
        String output = process.output();
        return (output.length() > 6000 ? "…" + output.substring(output.length() - 6000) : output)
                + "\n(whole log: " + process.log().toAbsolutePath() + ")";
    }

    @Override
    public void close() throws InterruptedException {
        // TaskManagers first, so that none of them retries a JobManager that is already gone.
        List<JavaProcess> order = new ArrayList<>(taskManagers);
        Collections.reverse(order);
        for (JavaProcess process : processes) {
            if (!order.contains(process)) {
                order.add(process);
            }
        }
        InterruptedException interrupted = null;
        for (JavaProcess process : order) {
            try {
                process.close();
            } catch (InterruptedException e) {
                interrupted = e;
            }
        }
        if (interrupted != null) {
            throw interrupted;
        }
    }

    public static final class Builder {
        private final String name;
        private int taskManagers = 2;
        private String configFileName = "flink-conf.yaml";
        private final Map<String, String> config = new LinkedHashMap<>();
        private IntFunction<List<String>> taskManagerJvmArgs = i -> Collections.emptyList();
        private final List<String> jvmArgs = new ArrayList<>();

        private Builder(String name) {
            this.name = name;
        }

        public Builder taskManagers(int taskManagers) {
            this.taskManagers = taskManagers;
            return this;
        }

        /** The file this Flink version reads from {@code --configDir}: {@code flink-conf.yaml} (1.x) or {@code config.yaml} (2.x). */
        public Builder configFileName(String configFileName) {
            this.configFileName = configFileName;
            return this;
        }

        /** One more configuration entry (after, so over, the cluster's own). */
        public Builder set(String key, String value) {
            config.put(key, value);
            return this;
        }

        /** JVM flags of every cluster JVM and of the client (e.g. the {@code --add-opens} an old Flink needs on this JDK). */
        public Builder jvmArgs(List<String> args) {
            jvmArgs.addAll(args);
            return this;
        }

        /** Extra JVM flags of TaskManager {@code i} (0-based), e.g. {@code -javaagent:…}. */
        public Builder taskManagerJvmArgs(IntFunction<List<String>> args) {
            this.taskManagerJvmArgs = args;
            return this;
        }

        /** Starts the JobManager and the TaskManagers and waits until all TaskManagers have registered. */
        public StandaloneCluster start() throws IOException, InterruptedException {
            Path dir = Paths.get("target", "clusters", name + "-" + System.nanoTime()).toAbsolutePath();
            Path confDir = dir.resolve("conf");
            Path tmpDir = dir.resolve("tmp");
            Files.createDirectories(confDir);
            Files.createDirectories(tmpDir);
            int rpcPort = Loopback.freePort();
            int restPort = Loopback.freePort();
            List<Integer> reporterPorts = new ArrayList<>();
            for (int i = 0; i < taskManagers; i++) {
                reporterPorts.add(Loopback.freePort());
            }
            Map<String, String> conf = baseConfiguration(rpcPort, restPort, tmpDir);
            conf.putAll(config);
            writeConfig(confDir.resolve(configFileName), conf);

            StandaloneCluster cluster = new StandaloneCluster(name, dir, clusterClasspath(), restPort, reporterPorts);
            cluster.jvmArgs.addAll(jvmArgs);
            try {
                List<String> jmArgs = new ArrayList<>(jvmArgs);
                jmArgs.add("-Xmx256m");
                cluster.jobManager = cluster.launch(JOB_MANAGER_MAIN, jmArgs, name + "-jobmanager",
                        "--configDir", confDir.toString());
                for (int i = 0; i < taskManagers; i++) {
                    List<String> tmArgs = new ArrayList<>(jvmArgs);
                    tmArgs.addAll(taskManagerHeap());
                    tmArgs.addAll(taskManagerJvmArgs.apply(i));
                    cluster.taskManagers.add(cluster.launch(TASK_MANAGER_MAIN, tmArgs, name + "-taskmanager-" + i,
                            "--configDir", confDir.toString(),
                            "-Dtaskmanager.resource-id=" + TASK_MANAGER_ID_PREFIX + i,
                            // Flink's Prometheus reporter, on the TaskManagers only (the tests read task
                            // metrics), each on its own port. It binds the wildcard address: Flink has no
                            // option for the reporter's host.
                            "-Dmetrics.reporter.prom.factory.class=" + PROMETHEUS_REPORTER_FACTORY,
                            "-Dmetrics.reporter.prom.port=" + reporterPorts.get(i)));
                }
                int expected = taskManagers;
                cluster.awaitRest(expected + " TaskManagers registered", () ->
                        JSON.readTree(Loopback.get(cluster.restUrl() + "/taskmanagers")).path("taskmanagers").size()
                                == expected);
                return cluster;
            } catch (IOException | InterruptedException | RuntimeException | Error e) {
                cluster.close();
                throw e;
            }
        }

        /**
         * Everything {@code start-cluster.sh} would have set or computed, on loopback with fixed free
         * ports. A TaskManager started without the distribution's scripts must be given every memory
         * component: {@code TaskExecutorResourceUtils.resourceSpecFromConfig} requires the CPU cores,
         * task heap and off-heap, managed memory and network min = max to be set, and
         * {@code TaskExecutorMemoryConfiguration.create} (the TaskManager's registration) adds framework
         * heap and off-heap, metaspace and JVM overhead min = max (1.12.7, 1.20.3 and 2.3.0 alike).
         */
        private Map<String, String> baseConfiguration(int rpcPort, int restPort, Path tmpDir) {
            Map<String, String> conf = new LinkedHashMap<>();
            conf.put("jobmanager.rpc.address", Loopback.HOST);
            conf.put("jobmanager.rpc.port", Integer.toString(rpcPort));
            conf.put("jobmanager.bind-host", Loopback.HOST);
            conf.put("rest.address", Loopback.HOST);
            conf.put("rest.bind-address", Loopback.HOST);
            conf.put("rest.port", Integer.toString(restPort));
            conf.put("taskmanager.host", Loopback.HOST);
            conf.put("taskmanager.bind-host", Loopback.HOST);
            conf.put("taskmanager.numberOfTaskSlots", "1");
            conf.put("parallelism.default", "1");
            conf.put("io.tmp.dirs", tmpDir.toString());
            conf.put("web.tmpdir", tmpDir.toString());
            conf.put("blob.storage.directory", tmpDir.toString());
            conf.put("taskmanager.cpu.cores", "1");
            conf.put("taskmanager.memory.framework.heap.size", "128m");
            conf.put("taskmanager.memory.task.heap.size", "256m");
            conf.put("taskmanager.memory.managed.size", "32m");
            conf.put("taskmanager.memory.framework.off-heap.size", "128m");
            conf.put("taskmanager.memory.task.off-heap.size", "0m");
            conf.put("taskmanager.memory.network.min", "64m");
            conf.put("taskmanager.memory.network.max", "64m");
            conf.put("taskmanager.memory.jvm-metaspace.size", "256m");
            conf.put("taskmanager.memory.jvm-overhead.min", "192m");
            conf.put("taskmanager.memory.jvm-overhead.max", "192m");
            // The metric fetcher behind the REST API's metrics and backpressure: every second, not every 10.
            conf.put("metrics.fetcher.update-interval", "1000");
            return conf;
        }

        /** The heap and direct-memory limits the distribution's scripts derive from the memory components above. */
        private static List<String> taskManagerHeap() {
            return Arrays.asList("-Xmx384m", "-Xms384m", "-XX:MaxDirectMemorySize=192m", "-XX:MaxMetaspaceSize=256m");
        }

        /** Flat {@code key: value} lines: what 1.x's {@code flink-conf.yaml} parser reads, and valid YAML for 2.x's {@code config.yaml}. */
        private static void writeConfig(Path file, Map<String, String> conf) throws IOException {
            StringBuilder text = new StringBuilder("# written by StandaloneCluster for one test run\n");
            conf.forEach((key, value) -> text.append(key).append(": ").append(value).append('\n'));
            Files.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
        }

        /**
         * The test classpath (Flink, the reporter, the job classes: what a distribution's {@code lib/}
         * and a job jar would hold), with slf4j-simple for slf4j-nop so that the cluster's JVMs log.
         */
        private static String clusterClasspath() {
            Path simple = Paths.get("target", "cluster-lib", "slf4j-simple.jar").toAbsolutePath();
            if (!Files.isRegularFile(simple)) {
                throw new IllegalStateException(simple + " is missing: the e2e-parent POM copies it in generate-test-resources");
            }
            List<String> entries = new ArrayList<>();
            for (String entry : JavaProcess.testClasspath().split(File.pathSeparator)) {
                if (!entry.contains("slf4j-nop")) {
                    entries.add(entry);
                }
            }
            entries.add(simple.toString());
            return String.join(File.pathSeparator, entries);
        }
    }

    private JavaProcess launch(String mainClass, List<String> jvmArgs, String logName, String... args) throws IOException {
        List<String> all = new ArrayList<>(jvmArgs);
        all.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        JavaProcess process = JavaProcess.builder(mainClass).classpath(classpath)
                .jvmArgs(all.toArray(new String[0])).args(args).logName(logName).start();
        processes.add(process);
        System.out.printf("[%s] %s: pid %d, log %s%n", name, logName, process.pid(), process.log().toAbsolutePath());
        return process;
    }
}

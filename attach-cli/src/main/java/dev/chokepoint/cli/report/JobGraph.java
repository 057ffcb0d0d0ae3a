package dev.chokepoint.cli.report;

import dev.chokepoint.cli.jmx.TaskSnapshot;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The vertices of the job this JVM runs, in job order, and the edges between them. With an agent
 * that reports {@code ProducedPartitions}/{@code ConsumedPartitions}, an edge goes from the vertex that
 * writes a result partition to each vertex that reads it, and the order is topological. Without
 * them the order is guessed, and each vertex is taken to feed the next one.
 */
public final class JobGraph {

    public final List<Vertex> vertices;
    /** upstream → downstream, as pairs of indices into {@link #vertices}. */
    public final List<Edge> edges;
    /** false: the order is the heuristic one (sources first, then by backpressure, then by busyness). */
    public final boolean topologyKnown;
    /** Vertices that write partitions no vertex in this JVM reads: their consumers run elsewhere. */
    public final Set<String> feedsOtherJvms;

    private JobGraph(List<Vertex> vertices, List<Edge> edges, boolean topologyKnown, Set<String> feedsOtherJvms) {
        this.vertices = Collections.unmodifiableList(vertices);
        this.edges = Collections.unmodifiableList(edges);
        this.topologyKnown = topologyKnown;
        this.feedsOtherJvms = Collections.unmodifiableSet(feedsOtherJvms);
    }

    public static final class Edge {
        public final Vertex upstream;
        public final Vertex downstream;

        Edge(Vertex upstream, Vertex downstream) {
            this.upstream = upstream;
            this.downstream = downstream;
        }

        @Override
        public String toString() {
            return upstream.name + " -> " + downstream.name;
        }
    }

    public static JobGraph of(List<TaskSnapshot> tasks) {
        Map<String, List<TaskSnapshot>> byName = new LinkedHashMap<>();
        for (TaskSnapshot task : tasks) {
            byName.computeIfAbsent(task.vertex, v -> new ArrayList<>()).add(task);
        }
        List<Vertex> vertices = new ArrayList<>();
        byName.forEach((name, subtasks) -> vertices.add(new Vertex(name, subtasks)));
        vertices.sort(Comparator.comparing(v -> v.name));
        // The agent reports empty lists where it cannot reach a Flink task (not Flink, or not readable):
        // with no partition at all there is nothing to order by.
        boolean known = !vertices.isEmpty() && vertices.stream().allMatch(Vertex::topologyKnown)
                && vertices.stream().anyMatch(v -> !v.produced().isEmpty() || !v.consumed().isEmpty());
        return known ? fromTopology(vertices) : guessed(vertices);
    }

    public List<Vertex> upstreamOf(Vertex vertex) {
        List<Vertex> result = new ArrayList<>();
        for (Edge edge : edges) {
            if (edge.downstream == vertex) {
                result.add(edge.upstream);
            }
        }
        return result;
    }

    public List<Vertex> downstreamOf(Vertex vertex) {
        List<Vertex> result = new ArrayList<>();
        for (Edge edge : edges) {
            if (edge.upstream == vertex) {
                result.add(edge.downstream);
            }
        }
        return result;
    }

    private static JobGraph fromTopology(List<Vertex> byName) {
        List<Edge> edges = new ArrayList<>();
        Set<String> feedsOthers = new LinkedHashSet<>();
        for (Vertex producer : byName) {
            for (String dataSet : producer.produced()) {
                boolean consumedHere = false;
                for (Vertex consumer : byName) {
                    if (consumer != producer && consumer.consumed().contains(dataSet)) {
                        consumedHere = true;
                        if (edges.stream().noneMatch(e -> e.upstream == producer && e.downstream == consumer)) {
                            edges.add(new Edge(producer, consumer));
                        }
                    }
                }
                if (!consumedHere) {
                    feedsOthers.add(producer.name);
                }
            }
        }
        // Kahn's algorithm; among the vertices ready at the same time, by name, so the order is stable.
        List<Vertex> order = new ArrayList<>();
        Map<Vertex, Integer> inDegree = new LinkedHashMap<>();
        byName.forEach(v -> inDegree.put(v, 0));
        edges.forEach(e -> inDegree.merge(e.downstream, 1, Integer::sum));
        List<Vertex> ready = new ArrayList<>();
        inDegree.forEach((v, d) -> {
            if (d == 0) {
                ready.add(v);
            }
        });
        while (!ready.isEmpty()) {
            ready.sort(Comparator.comparing(v -> v.name));
            Vertex next = ready.remove(0);
            order.add(next);
            for (Edge edge : edges) {
                if (edge.upstream == next && inDegree.merge(edge.downstream, -1, Integer::sum) == 0) {
                    ready.add(edge.downstream);
                }
            }
        }
        for (Vertex v : byName) {
            if (!order.contains(v)) {
                order.add(v); // a cycle (iterations): keep the rest by name
            }
        }
        edges.sort(Comparator.comparingInt((Edge e) -> order.indexOf(e.upstream))
                .thenComparingInt(e -> order.indexOf(e.downstream)));
        return new JobGraph(order, edges, true, feedsOthers);
    }

    /**
     * Without the topology: sources first (named {@code Source: ...}), sinks last ({@code Sink: ...});
     * between them the more backpressured first, then the busier first. Backpressure fades along the
     * job down to the bottleneck, which is busy, while the vertices after it idle; so this order puts
     * the most likely origin right after the backpressured vertices.
     */
    private static JobGraph guessed(List<Vertex> byName) {
        List<Vertex> order = new ArrayList<>(byName);
        order.sort(Comparator.comparingInt(JobGraph::stage)
                .thenComparing(Comparator.comparingDouble(Vertex::ratio).reversed())
                .thenComparing(Comparator.comparingDouble((Vertex v) -> nanToZero(v.max(t -> t.busyRatio))).reversed())
                .thenComparing(v -> v.name));
        List<Edge> edges = new ArrayList<>();
        for (int i = 1; i < order.size(); i++) {
            edges.add(new Edge(order.get(i - 1), order.get(i)));
        }
        return new JobGraph(order, edges, false, Collections.emptySet());
    }

    /** Guessing: without a topology only the names Flink gives sources and sinks tell the stage. */
    private static int stage(Vertex v) {
        if (v.isSourceByName()) {
            return 0;
        }
        return v.isSinkByName() ? 2 : 1;
    }

    private static double nanToZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }
}

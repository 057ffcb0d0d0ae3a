package dev.chokepoint.cli.report;

import dev.chokepoint.api.Cause;
import dev.chokepoint.cli.jmx.TaskSnapshot;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Where the backpressure comes from. The origin is the seed article's rule applied to the sampled
 * levels: the first vertex, in job order, that is not backpressured itself while a vertex feeding
 * it is ("the operator after the last one that is experiencing backpressure"). The pool usages of
 * each pair of consecutive vertices are read with the article's two tables ({@link PoolReading}).
 * Then why the origin is slow ({@link #cause}): the causes of the article's "What to do with
 * backpressure?" box, read from the busy time the agent splits by cause.
 */
public final class Diagnosis {

    /** A subtask this busy, while another of its vertex is at most {@link #SKEW_IDLE}, makes the origin skewed. */
    static final double SKEW_BUSY = 0.8;
    static final double SKEW_IDLE = 0.3;
    /** Subtasks at least this busy are the origin's bottleneck ones (all subtasks when none is). */
    static final double BOTTLENECK_BUSY = 0.5;
    /** The frame of Flink's async I/O operator: its mailbox yield is a full queue of requests in flight. */
    static final String ASYNC_WAIT_OPERATOR = "AsyncWaitOperator";
    /** The causes the agent splits a subtask's busy time into, in the order that breaks a tie. */
    private static final Cause[] BUSY_CAUSES = {
        Cause.CPU, Cause.GC, Cause.LOCK, Cause.IO, Cause.SLEEP, Cause.EXTERNAL_WAIT, Cause.OTHER
    };

    public final JobGraph graph;
    public final List<PoolReading> readings;
    /**
     * Every origin, in job order: one per bottleneck (a branch of a fan-out, or each of two slow
     * operators); empty when there is no backpressure or its origin is not in this JVM.
     */
    public final List<Origin> origins;
    /** The first of {@link #origins}; null when there is none, see {@link #reason}. */
    public final Vertex origin;
    /** The first origin's reason, or why there is none. */
    public final String reason;
    /** One line per backpressured vertex of which only some subtasks are backpressured. */
    public final List<String> skew;
    /** Why the first origin is slow; null without an origin, never {@link Cause#NONE}. */
    public final Cause cause;
    /** What shows the {@link #cause}, most telling first; empty without an origin. */
    public final List<String> evidence;
    /** The first origin's subtasks (0-based indexes) that are its bottleneck; empty without an origin. */
    public final List<Integer> bottleneckSubtasks;

    /** One origin of the backpressure: a vertex, why it is taken for one, and why it is slow. */
    public static final class Origin {
        public final Vertex vertex;
        public final String reason;
        /** Never null, never {@link Cause#NONE}. */
        public final Cause cause;
        public final List<String> evidence;
        /** 0-based indexes of its subtasks that are its bottleneck. */
        public final List<Integer> bottleneckSubtasks;

        Origin(Vertex vertex, String reason, Why why) {
            this.vertex = vertex;
            this.reason = reason;
            this.cause = why.cause;
            this.evidence = List.copyOf(why.evidence);
            this.bottleneckSubtasks = List.copyOf(why.subtasks);
        }

        /** What to do about the {@link #cause}, one line. */
        public String advice() {
            return cause.advice();
        }
    }

    private Diagnosis(JobGraph graph, List<PoolReading> readings, List<Origin> origins, String noOrigin,
                      List<String> skew) {
        this.graph = graph;
        this.readings = Collections.unmodifiableList(readings);
        this.origins = List.copyOf(origins);
        Origin first = origins.isEmpty() ? null : origins.get(0);
        this.origin = first == null ? null : first.vertex;
        this.reason = first == null ? noOrigin : first.reason;
        this.skew = Collections.unmodifiableList(skew);
        this.cause = first == null ? null : first.cause;
        this.evidence = first == null ? List.of() : first.evidence;
        this.bottleneckSubtasks = first == null ? List.of() : first.bottleneckSubtasks;
    }

    private Diagnosis(JobGraph graph, List<PoolReading> readings, String noOrigin, List<String> skew) {
        this(graph, readings, List.of(), noOrigin, skew);
    }

    /** What to do about the first origin's {@link #cause}, one line; empty without an origin. */
    public String advice() {
        return cause == null ? "" : cause.advice();
    }

    /** With every subtask's window full. */
    public static Diagnosis of(List<TaskSnapshot> tasks) {
        return of(tasks, true);
    }

    /** {@code windowFull}: every subtask has a full window of samples; the origin's cause is UNKNOWN until then. */
    public static Diagnosis of(List<TaskSnapshot> tasks, boolean windowFull) {
        return of(JobGraph.of(tasks), windowFull);
    }

    /** With every subtask's window full. */
    public static Diagnosis of(JobGraph graph) {
        return of(graph, true);
    }

    public static Diagnosis of(JobGraph graph, boolean windowFull) {
        List<PoolReading> readings = new ArrayList<>();
        for (JobGraph.Edge edge : graph.edges) {
            readings.add(PoolReading.of(edge));
        }
        List<String> skew = new ArrayList<>();
        for (Vertex vertex : graph.vertices) {
            List<TaskSnapshot> blocked = vertex.backpressuredSubtasks();
            if (!blocked.isEmpty() && blocked.size() < vertex.subtasks.size()) {
                List<TaskSnapshot> fine = new ArrayList<>(vertex.subtasks);
                fine.removeAll(blocked);
                skew.add(vertex.name + ": only " + describe(blocked) + " backpressured, " + describe(fine)
                        + " not: skew (data or resources) on the backpressured one" + (blocked.size() > 1 ? "s" : ""));
            }
        }

        if (graph.vertices.isEmpty()) {
            return new Diagnosis(graph, readings, "no Flink subtasks found in this JVM", skew);
        }
        if (graph.vertices.stream().allMatch(v -> v.subtasks.stream().allMatch(t -> t.backPressureLevel == null))) {
            return new Diagnosis(graph, readings, "no subtask has a level (no agent metrics, and no"
                    + " backpressured time before Flink 1.13): only the pool usages below tell", skew);
        }
        if (graph.vertices.stream().noneMatch(Vertex::backpressured)) {
            return new Diagnosis(graph, readings, "no vertex is backpressured", skew);
        }
        // Candidates: not backpressured, fed by a backpressured vertex (the article's rule). Of those,
        // an origin is one its backpressured input is pressed by, edge by edge (see pressedBy).
        Map<Vertex, List<Vertex>> candidates = new LinkedHashMap<>();
        for (Vertex vertex : graph.vertices) {
            if (vertex.backpressured()) {
                continue;
            }
            List<Vertex> pressing = graph.upstreamOf(vertex).stream().filter(Vertex::backpressured)
                    .sorted(Comparator.comparingInt((Vertex v) -> v.worst().levelCode).thenComparingDouble(Vertex::ratio)
                            .reversed())
                    .collect(Collectors.toList());
            if (!pressing.isEmpty()) {
                candidates.put(vertex, pressing);
            }
        }
        List<Origin> origins = new ArrayList<>();
        candidates.forEach((vertex, pressing) -> {
            List<Vertex> pressedBy = pressedBy(graph, vertex, pressing, readings);
            if (!pressedBy.isEmpty()) {
                origins.add(new Origin(vertex, originReason(graph, vertex, pressedBy, readings),
                        why(vertex, pressedBy, readings, windowFull)));
            }
        });
        if (origins.isEmpty() && !candidates.isEmpty()) {
            // No candidate is pressing by the edges' evidence: the busiest one is the best guess.
            Vertex busiest = candidates.keySet().stream().max(Comparator.comparingDouble(Diagnosis::busy)).orElseThrow();
            List<Vertex> pressing = candidates.get(busiest);
            origins.add(new Origin(busiest, originReason(graph, busiest, pressing, readings),
                    why(busiest, pressing, readings, windowFull)));
        }
        if (!origins.isEmpty()) {
            return new Diagnosis(graph, readings, origins, null, skew);
        }
        // Every backpressured vertex only feeds backpressured ones, down to the last one here.
        Vertex last = null;
        for (Vertex vertex : graph.vertices) {
            if (vertex.backpressured()) {
                last = vertex;
            }
        }
        String reason;
        if (graph.topologyKnown && graph.feedsOtherJvms.contains(last.name)) {
            reason = last.name + " is backpressured and what it feeds runs in another JVM (TaskManager): run chokepoint there";
        } else if (graph.topologyKnown) {
            reason = last.name + " is backpressured, and so is everything downstream of it in this JVM";
        } else {
            reason = last.name + " is backpressured and no vertex after it is; its downstream may run in another"
                    + " JVM (TaskManager): run chokepoint there" + GUESSED;
        }
        return new Diagnosis(graph, readings, reason, skew);
    }

    /**
     * The backpressured inputs of {@code vertex} that it presses on: an input feeding only it, or
     * one of several downstream vertices (a fan-out) when it is that edge's slow receiver by the
     * pools, or busy, or, none of the input's other downstream vertices being backpressured, slow
     * receivers or busy, the busiest of them. A fast branch next to a slow one is no origin.
     */
    private static List<Vertex> pressedBy(JobGraph graph, Vertex vertex, List<Vertex> pressing,
                                          List<PoolReading> readings) {
        List<Vertex> result = new ArrayList<>();
        for (Vertex input : pressing) {
            List<Vertex> siblings = graph.downstreamOf(input);
            if (siblings.size() <= 1 || presses(input, vertex, readings)) {
                result.add(input);
                continue;
            }
            boolean anotherPresses = siblings.stream()
                    .anyMatch(s -> s != vertex && (s.backpressured() || presses(input, s, readings)));
            Vertex busiest = siblings.stream().max(Comparator.comparingDouble(Diagnosis::busy)).orElseThrow();
            if (!anotherPresses && busiest == vertex) {
                result.add(input);
            }
        }
        return result;
    }

    /** The edge's pools say its receiver is slow, or the receiver is busy. */
    private static boolean presses(Vertex input, Vertex receiver, List<PoolReading> readings) {
        if (busy(receiver) >= BOTTLENECK_BUSY) {
            return true;
        }
        PoolReading reading = reading(readings, input, receiver);
        return reading != null && reading.receiverSlow();
    }

    /** The pool reading of the edge {@code upstream -> downstream}; null when there is no such edge (edges are unique). */
    private static PoolReading reading(List<PoolReading> readings, Vertex upstream, Vertex downstream) {
        for (PoolReading reading : readings) {
            if (reading.edge.upstream == upstream && reading.edge.downstream == downstream) {
                return reading;
            }
        }
        return null;
    }

    /** The busiest subtask's busy share, 0 when unknown. */
    private static double busy(Vertex vertex) {
        return nanToZero(vertex.max(t -> t.busyRatio));
    }

    static final String GUESSED = " (job order guessed: the agent does not report the job topology)";

    private static String originReason(JobGraph graph, Vertex origin, List<Vertex> pressing, List<PoolReading> readings) {
        Vertex input = pressing.get(0);
        StringBuilder reason = new StringBuilder();
        reason.append(origin.name).append(" is not backpressured (").append(levelAndRatio(origin.worst()))
                .append(") but its input ").append(input.name).append(" is (").append(levelAndRatio(input.worst()))
                .append(")");
        TaskSnapshot busiest = origin.subtasks.stream()
                .max(Comparator.comparingDouble(t -> nanToZero(t.busyRatio))).orElseThrow();
        if (!Double.isNaN(busiest.busyRatio)) {
            reason.append(String.format(Locale.ROOT, "; it is busy %.0f%% of the time", busiest.busyRatio * 100));
            if (origin.subtasks.size() > 1) {
                TaskSnapshot idlest = origin.subtasks.stream()
                        .min(Comparator.comparingDouble(t -> nanToZero(t.busyRatio))).orElseThrow();
                if (busiest.busyRatio - idlest.busyRatio > 0.3) {
                    reason.append(String.format(Locale.ROOT, " (subtask %s; %s only %.0f%%: skewed load)",
                            label(busiest), label(idlest), idlest.busyRatio * 100));
                }
            }
        }
        PoolReading reading = reading(readings, input, origin);
        if (reading != null && reading.verdict != PoolReading.Verdict.UNKNOWN) {
            reason.append("; pools: ").append(reading.verdict.text);
        }
        if (!graph.topologyKnown) {
            reason.append(GUESSED);
        }
        return reason.toString();
    }

    /** The origin's cause, evidence and bottleneck subtasks. */
    private static final class Why {

        final Cause cause;
        final List<String> evidence;
        /** 0-based indexes. */
        final List<Integer> subtasks;

        Why(Cause cause, List<String> evidence, List<TaskSnapshot> subtasks) {
            this.cause = cause;
            this.evidence = evidence;
            this.subtasks = subtasks.stream().map(t -> t.subtask).collect(Collectors.toList());
        }
    }

    /**
     * Why the origin is slow. Until the window is full: UNKNOWN. Then SKEW when some of its subtasks
     * are busy and others hardly; NETWORK when the seed's tables say "potential network bottleneck"
     * for an input that presses on it and it reads over remote channels; otherwise the largest
     * cause of the busy time, summed over its bottleneck subtasks (UNKNOWN when they are not busy).
     */
    private static Why why(Vertex origin, List<Vertex> pressing, List<PoolReading> readings, boolean windowFull) {
        List<TaskSnapshot> bottleneck = filter(origin.subtasks, t -> t.busyRatio >= BOTTLENECK_BUSY);
        if (bottleneck.isEmpty()) {
            bottleneck = origin.subtasks;
        }
        if (!windowFull) {
            List<String> evidence = new ArrayList<>();
            Cause provisional = dominant(bottleneck);
            evidence.add("the window is not full yet (warming up): busy " + pct(mean(bottleneck, t -> t.busyRatio))
                    + " so far" + (provisional == null ? "" : ", " + provisional + " "
                    + pct(mean(bottleneck, t -> t.ratio(provisional))) + " (provisional)"));
            return new Why(Cause.UNKNOWN, evidence, bottleneck);
        }

        List<TaskSnapshot> busy = filter(origin.subtasks, t -> t.busyRatio >= SKEW_BUSY);
        List<TaskSnapshot> notBusy = filter(origin.subtasks, t -> t.busyRatio <= SKEW_IDLE);
        if (!busy.isEmpty() && !notBusy.isEmpty()) {
            List<String> evidence = new ArrayList<>();
            evidence.add(recordShares(origin));
            Cause busyCause = dominant(busy);
            if (busyCause != null) {
                evidence.add(subtasks(busy) + ": " + headline(busy, busyCause));
            }
            return new Why(Cause.SKEW, evidence, busy);
        }

        for (Vertex input : pressing) {
            PoolReading reading = reading(readings, input, origin);
            List<TaskSnapshot> remote = filter(origin.subtasks, t -> t.remoteInputChannels > 0);
            if (reading != null && reading.verdict == PoolReading.Verdict.NETWORK_BOTTLENECK && !remote.isEmpty()) {
                List<String> evidence = new ArrayList<>();
                evidence.add(input.name + " -> " + origin.name + ": " + reading.verdict.text + " (" + reading.usages() + ")");
                evidence.add(remote.stream().map(t -> "subtask " + t.subtask + " reads " + t.remoteInputChannels
                                + " remote input channel" + (t.remoteInputChannels > 1 ? "s" : ""))
                        .collect(Collectors.joining(", ")));
                return new Why(Cause.NETWORK, evidence, remote);
            }
        }

        Cause cause = dominant(bottleneck);
        if (cause == null) {
            double busyShare = mean(bottleneck, t -> t.busyRatio);
            if (bottleneck.stream().allMatch(t -> Double.isNaN(t.cpuRatio))) {
                // Judged from Flink's own metrics (a job read through its REST API): they do not split the busy time.
                return new Why(Cause.UNKNOWN, List.of("busy " + pct(busyShare) + "; why needs the Chokepoint agent on"
                        + " its TaskManagers (Flink's own metrics do not split the busy time)"), bottleneck);
            }
            return new Why(Cause.UNKNOWN, List.of(busyShare > 0
                    ? "busy " + pct(busyShare) + " but no cause of it reported"
                    : "busy 0%: no busy samples to tell why"), bottleneck);
        }
        List<String> evidence = new ArrayList<>();
        evidence.add(headline(bottleneck, cause));
        TaskSnapshot busiest = bottleneck.stream().max(Comparator.comparingDouble(t -> nanToZero(t.busyRatio)))
                .orElseThrow();
        String share = pct(mean(bottleneck, t -> t.ratio(cause)));
        String topFrame = busiest.hotFrames.isEmpty() ? null : busiest.hotFrames.get(0);
        String atTopFrame = topFrame == null ? "" : " (top frame " + topFrame + ")";
        switch (cause) {
            case CPU:
            case OTHER:
                if (!busiest.hotFrames.isEmpty()) {
                    evidence.add("hot frames of subtask " + busiest.subtask + ": " + String.join(", ", busiest.hotFrames));
                }
                break;
            case GC:
                evidence.add("GC pauses " + share + " of the time (JVM-wide)");
                break;
            case LOCK:
                evidence.add(lockEvidence(bottleneck, origin.subtasks));
                break;
            case IO:
                evidence.add("running but off the CPU " + share + " (socket or file I/O)" + atTopFrame);
                break;
            case SLEEP:
                evidence.add("Thread.sleep " + share + atTopFrame);
                break;
            case EXTERNAL_WAIT:
                boolean async = bottleneck.stream().flatMap(t -> t.hotFrames.stream())
                        .anyMatch(f -> f.contains(ASYNC_WAIT_OPERATOR));
                evidence.add(async ? "async I/O queue full (" + ASYNC_WAIT_OPERATOR + "): the service it calls is the limit"
                        : "waiting for another thread or system " + share + atTopFrame);
                break;
            default:
                break;
        }
        return new Why(cause, evidence, bottleneck);
    }

    /** {@code busy 100%: CPU 97% (dev.x.Enrich.map 91% of busy samples)}: the frame for CPU and OTHER only. */
    private static String headline(List<TaskSnapshot> subtasks, Cause cause) {
        String line = "busy " + pct(mean(subtasks, t -> t.busyRatio)) + ": " + cause + " "
                + pct(mean(subtasks, t -> t.ratio(cause)));
        TaskSnapshot busiest = subtasks.stream().max(Comparator.comparingDouble(t -> nanToZero(t.busyRatio)))
                .orElseThrow();
        if ((cause == Cause.CPU || cause == Cause.OTHER) && !busiest.hotFrames.isEmpty()) {
            line += " (" + busiest.hotFrames.get(0) + " of busy samples)";
        }
        return line;
    }

    /** The largest busy cause summed over the subtasks, the first of {@link #BUSY_CAUSES} on a tie; null when all are 0. */
    private static Cause dominant(List<TaskSnapshot> subtasks) {
        Map<Cause, Double> sums = new EnumMap<>(Cause.class);
        for (Cause cause : BUSY_CAUSES) {
            sums.put(cause, subtasks.stream().mapToDouble(t -> nanToZero(t.ratio(cause))).sum());
        }
        Cause best = null;
        for (Cause cause : BUSY_CAUSES) {
            if (sums.get(cause) > 0 && (best == null || sums.get(cause) > sums.get(best))) {
                best = cause;
            }
        }
        return best;
    }

    private static String lockEvidence(List<TaskSnapshot> bottleneck, List<TaskSnapshot> all) {
        List<TaskSnapshot> candidates = new ArrayList<>(bottleneck);
        candidates.sort(Comparator.comparingDouble((TaskSnapshot t) -> nanToZero(t.lockRatio)).reversed());
        all.stream().filter(t -> !candidates.contains(t)).forEach(candidates::add);
        for (TaskSnapshot task : candidates) {
            if (task.lockOwner != null && !task.lockOwner.isEmpty()) {
                String lock = task.lockClass == null || task.lockClass.isEmpty() ? "a lock" : task.lockClass;
                return "blocked on " + lock + " held by '" + task.lockOwner + "'";
            }
        }
        return "blocked on a lock whose owner the samples did not see";
    }

    /** {@code subtask 0 busy 100% with 88% of records, subtask 1 busy 4% with 12% of records}. */
    private static String recordShares(Vertex vertex) {
        long total = 0;
        boolean known = true;
        for (TaskSnapshot task : vertex.subtasks) {
            known &= task.recordsIn >= 0;
            total += Math.max(0, task.recordsIn);
        }
        boolean shares = known && total > 0;
        long sum = total;
        return vertex.subtasks.stream()
                .map(t -> "subtask " + t.subtask + " busy " + pct(t.busyRatio)
                        + (shares ? " with " + pct((double) t.recordsIn / sum) + " of records" : ""))
                .collect(Collectors.joining(", "));
    }

    private static String subtasks(List<TaskSnapshot> tasks) {
        return (tasks.size() == 1 ? "subtask " : "subtasks ")
                + tasks.stream().map(t -> Integer.toString(t.subtask)).collect(Collectors.joining(", "));
    }

    private static List<TaskSnapshot> filter(List<TaskSnapshot> tasks, Predicate<TaskSnapshot> keep) {
        return tasks.stream().filter(keep).collect(Collectors.toList());
    }

    private static double mean(List<TaskSnapshot> tasks, ToDoubleFunction<TaskSnapshot> value) {
        return tasks.stream().mapToDouble(t -> nanToZero(value.applyAsDouble(t))).average().orElse(0);
    }

    private static String pct(double share) {
        return String.format(Locale.ROOT, "%.0f%%", nanToZero(share) * 100);
    }

    static String describe(List<TaskSnapshot> tasks) {
        return tasks.stream().map(t -> label(t) + " (" + levelAndRatio(t) + ")").collect(Collectors.joining(", "));
    }

    /** Flink's way of naming a subtask: 1-based index over parallelism. */
    public static String label(TaskSnapshot task) {
        return (task.subtask + 1) + "/" + task.parallelism;
    }

    static String levelAndRatio(TaskSnapshot task) {
        return String.format(Locale.ROOT, "%s %.2f", task.backPressureLevel == null ? "-" : task.backPressureLevel,
                task.backPressureRatio);
    }

    private static double nanToZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }
}

package dev.chokepoint.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No two packages of ours depend on each other, in the agent or in the CLI: the packages follow the
 * data (discover → sample → classify → aggregate → export), so a cycle means a class is in the
 * wrong place. Read from the compiled classes by the JDK's own jdeps.
 */
class PackageCyclesTest {

    private static final Pattern EDGE = Pattern.compile("^\\s+(dev\\.chokepoint\\S*)\\s+->\\s+(dev\\.chokepoint\\S*)\\s");

    @Test
    void theAgentsPackagesHaveNoCycle() {
        Path agentJar = Paths.get(System.getProperty("chokepoint.agent.jar"));
        assertNoCycle(agentJar.resolveSibling("classes"));
    }

    @Test
    void theCommandLinesPackagesHaveNoCycle() {
        assertNoCycle(Paths.get("target", "classes"));
    }

    private static void assertNoCycle(Path classes) {
        assertTrue(Files.isDirectory(classes), classes + " is not built");
        Map<String, Set<String>> graph = packageGraph(classes);
        assertTrue(graph.size() > 3, "jdeps found too few packages in " + classes + ": " + graph);
        assertEquals(List.of(), cycles(graph), "package cycles in " + classes + "; the graph: " + graph);
    }

    private static Map<String, Set<String>> packageGraph(Path classes) {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int exit = jdeps.run(new PrintWriter(out), new PrintWriter(out),
                "-verbose:package", "-filter:none", "--multi-release", "base", classes.toString());
        assertEquals(0, exit, out.toString());
        Map<String, Set<String>> graph = new TreeMap<>();
        for (String line : out.toString().split("\\R")) {
            Matcher m = EDGE.matcher(line);
            if (m.find()) {
                graph.computeIfAbsent(m.group(1), k -> new TreeSet<>());
                if (!m.group(1).equals(m.group(2))) {
                    graph.get(m.group(1)).add(m.group(2));
                }
            }
        }
        return graph;
    }

    /** Strongly connected components of more than one package (Tarjan). */
    private static List<Set<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        List<Set<String>> result = new ArrayList<>();
        for (String node : graph.keySet()) {
            if (!index.containsKey(node)) {
                connect(node, graph, index, low, stack, result);
            }
        }
        return result;
    }

    private static void connect(String node, Map<String, Set<String>> graph, Map<String, Integer> index,
                                Map<String, Integer> low, Deque<String> stack, List<Set<String>> result) {
        index.put(node, index.size());
        low.put(node, index.get(node));
        stack.push(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            if (!index.containsKey(next)) {
                connect(next, graph, index, low, stack, result);
                low.put(node, Math.min(low.get(node), low.get(next)));
            } else if (stack.contains(next)) {
                low.put(node, Math.min(low.get(node), index.get(next)));
            }
        }
        if (low.get(node).equals(index.get(node))) {
            Set<String> component = new TreeSet<>();
            String member;
            do {
                member = stack.pop();
                component.add(member);
            } while (!member.equals(node));
            if (component.size() > 1) {
                result.add(component);
            }
        }
    }
}

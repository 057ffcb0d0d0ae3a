package dev.chokepoint.demo;

import dev.chokepoint.cli.ChokepointCli;
import dev.chokepoint.cli.DemoCommand;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The README's first command ({@code ./mvnw -q -DskipTests -Pdemo verify}): {@code chokepoint demo}
 * with this module's classpath as the job's. The CLI starts {@link DemoJob} in its own JVM,
 * attaches Chokepoint to it the way an operator would attach to a running TaskManager, and shows
 * the live report with the origin of the backpressure.
 *
 * <p>Usage: {@code java -cp <classpath> dev.chokepoint.demo.DemoMain [agent-jar]}, or the agent jar
 * in {@code -Ddemo.agent.jar}. {@code -Ddemo.seconds=N} stops after N seconds (default: run
 * until Ctrl-C); {@code -Ddemo.dir} holds the job's log and temp files (default {@code target/demo}).
 */
public final class DemoMain {

    /** Printed before the job starts; tests find the child JVM by it. */
    static final String CHILD_PID = DemoCommand.CHILD_PID;

    private DemoMain() {
    }

    public static void main(String[] args) {
        List<String> cli = new ArrayList<>(List.of("demo", "--classpath", System.getProperty("java.class.path"),
                "--seconds", Long.toString(Long.getLong("demo.seconds", 0)),
                "--dir", Path.of(System.getProperty("demo.dir", "target/demo")).toAbsolutePath().toString()));
        String agent = args.length > 0 ? args[0] : System.getProperty("demo.agent.jar");
        if (agent != null) {
            cli.add("--agent");
            cli.add(agent);
        }
        System.exit(ChokepointCli.execute(cli.toArray(new String[0])));
    }
}

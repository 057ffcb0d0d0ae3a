package dev.chokepoint.cli.attach;

import dev.chokepoint.cli.common.CliException;
import dev.chokepoint.cli.common.Version;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

/** Finds {@code chokepoint-agent.jar} and checks it is of this CLI's version. */
public final class AgentJar {

    public static final String FILE_NAME = "chokepoint-agent.jar";

    private AgentJar() {
    }

    /** {@code --agent PATH}, else next to the CLI jar, else the build tree's {@code agent/target/}. */
    public static Path locate(Path option) {
        if (option != null) {
            Path jar = option.toAbsolutePath().normalize();
            if (!Files.isRegularFile(jar)) {
                throw new CliException("agent jar not found at " + jar,
                        "give the path of " + FILE_NAME + " with --agent (built by ./mvnw -q -DskipTests package -pl agent)");
            }
            return checked(jar);
        }
        List<Path> candidates = candidates();
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                return checked(candidate);
            }
        }
        throw new CliException("agent jar not found: looked for " + candidates.stream().map(Path::toString)
                .collect(Collectors.joining(" and ")),
                "put " + FILE_NAME + " next to the chokepoint jar, or give its path with --agent PATH");
    }

    static List<Path> candidates() {
        List<Path> candidates = new ArrayList<>();
        Path cliDir = cliJarDirectory();
        if (cliDir != null) {
            candidates.add(cliDir.resolve(FILE_NAME));
            // the build tree: attach-cli/target/chokepoint.jar next to agent/target/chokepoint-agent.jar
            Path module = cliDir.getParent();
            if (module != null && module.getParent() != null) {
                candidates.add(module.getParent().resolve("agent").resolve("target").resolve(FILE_NAME));
            }
        }
        return candidates;
    }

    /** The directory of the jar (or classes directory) this CLI runs from. */
    static Path cliJarDirectory() {
        try {
            Path location = Paths.get(AgentJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return location.getParent();
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    private static Path checked(Path jar) {
        String version = version(jar);
        if (!version.equals(Version.cli())) {
            throw new CliException("agent jar " + jar + " is Chokepoint " + version + ", this CLI is " + Version.cli(),
                    "use the " + FILE_NAME + " built with this CLI (same version), or give it with --agent PATH");
        }
        return jar;
    }

    /** The jar's {@code Implementation-Version}; a jar without one is no Chokepoint agent. */
    public static String version(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            Attributes main = manifest == null ? null : manifest.getMainAttributes();
            String agentClass = main == null ? null : main.getValue("Agent-Class");
            String version = main == null ? null : main.getValue("Implementation-Version");
            if (agentClass == null || !agentClass.startsWith("dev.chokepoint.") || version == null) {
                throw new CliException(jar + " is not a Chokepoint agent jar (its manifest names no Chokepoint Agent-Class"
                        + " and Implementation-Version)", "give the path of " + FILE_NAME + " with --agent PATH");
            }
            return version;
        } catch (IOException e) {
            throw new CliException("cannot read the agent jar " + jar + ": " + e.getMessage(),
                    "give the path of a readable " + FILE_NAME + " with --agent PATH");
        }
    }
}

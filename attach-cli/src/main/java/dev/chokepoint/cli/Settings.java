package dev.chokepoint.cli;

import picocli.CommandLine;

import java.util.Arrays;
import java.util.List;

/** {@code --set key=value} options, checked against the agent's keys and joined in its argument syntax. */
final class Settings {

    static final List<String> KEYS =
            Arrays.asList("samples", "delay", "low", "high", "threads", "frames", "depth", "instrument", "config");

    private Settings() {
    }

    static String join(CommandLine commandLine, List<String> settings) {
        StringBuilder joined = new StringBuilder();
        for (String setting : settings) {
            int eq = setting.indexOf('=');
            String key = eq < 0 ? setting : setting.substring(0, eq);
            if (eq <= 0 || !KEYS.contains(key)) {
                throw new CommandLine.ParameterException(commandLine, "--set " + setting + ": expected key=value with"
                        + " a key of " + String.join(", ", KEYS));
            }
            joined.append(joined.length() == 0 ? "" : ",").append(setting);
        }
        return joined.toString();
    }
}

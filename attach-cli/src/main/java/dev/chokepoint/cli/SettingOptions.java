package dev.chokepoint.cli;

import dev.chokepoint.api.Settings;
import picocli.CommandLine;

import java.util.List;

/** {@code --set key=value} options, checked against the agent's keys ({@link Settings#KEYS}) and joined in its argument syntax. */
final class SettingOptions {

    /** The keys, for the option's description (an annotation takes constants only). */
    static final String KEY_LIST = Settings.SAMPLES + ", " + Settings.DELAY + ", " + Settings.LOW + ", " + Settings.HIGH
            + ", " + Settings.THREADS + ", " + Settings.FRAMES + ", " + Settings.DEPTH + ", " + Settings.INSTRUMENT + ", "
            + Settings.FLINK_METRICS + ", " + Settings.HISTORY + ", " + Settings.HISTORY_STEP + ", "
            + Settings.PERSISTENT_AFTER + ", " + Settings.CONFIG;

    private SettingOptions() {
    }

    static String join(CommandLine commandLine, List<String> settings) {
        StringBuilder joined = new StringBuilder();
        for (String setting : settings) {
            int eq = setting.indexOf('=');
            String key = eq < 0 ? setting : setting.substring(0, eq);
            if (eq <= 0 || !Settings.KEYS.contains(key)) {
                throw new CommandLine.ParameterException(commandLine, "--set " + setting + ": expected key=value with"
                        + " a key of " + String.join(", ", Settings.KEYS));
            }
            joined.append(joined.length() == 0 ? "" : ",").append(setting);
        }
        return joined.toString();
    }
}

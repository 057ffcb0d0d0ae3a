package dev.chokepoint.agent.config;

import dev.chokepoint.api.Settings;
import dev.chokepoint.api.SystemProperties;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the agent's settings: the agent argument ({@code key=value,key=value}) over system
 * properties ({@code chokepoint.<key>}) over a properties file ({@code config=/path}) over defaults.
 */
public final class ConfigParser {

    public static final String SYSTEM_PROPERTY_PREFIX = SystemProperties.SETTING_PREFIX;
    public static final List<String> KEYS = Settings.KEYS;
    /** A file larger than this is not a configuration file; refuse it before reading it. */
    static final long MAX_CONFIG_FILE_BYTES = 64 * 1024;

    /** Splits on commas that start a new {@code key=}, so that a regex such as {@code \d{1,3}} keeps its comma. */
    private static final Pattern ARGUMENT_SEPARATOR = Pattern.compile(",(?=\\s*[A-Za-z][A-Za-z0-9_.-]*\\s*=)");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,10})\\s*(ms|s)?");
    /** The history settings' durations, which run to minutes and hours. */
    private static final Pattern LONG_DURATION = Pattern.compile("(\\d{1,10})\\s*(ms|s|m|h)?");
    private static final Pattern FRAME = Pattern.compile(
            "\\s*((?:[\\p{L}_$][\\p{L}\\p{N}_$]*\\.)*[\\p{L}_$][\\p{L}\\p{N}_$]*)#([\\p{L}_$][\\p{L}\\p{N}_$]*)\\s*");

    private ConfigParser() {
    }

    public static AgentConfig parse(String agentArgs, Properties systemProperties) throws ConfigException {
        Map<String, String> arguments = parseArguments(agentArgs);
        Map<String, String> properties = fromSystemProperties(systemProperties);
        String configFile = arguments.containsKey(Settings.CONFIG)
                ? arguments.get(Settings.CONFIG) : properties.get(Settings.CONFIG);
        Map<String, String> file = configFile == null ? new LinkedHashMap<String, String>() : readFile(configFile);

        Map<String, String> merged = new LinkedHashMap<>(file);
        merged.putAll(properties);
        merged.putAll(arguments);
        return build(merged);
    }

    static Map<String, String> parseArguments(String agentArgs) throws ConfigException {
        Map<String, String> values = new LinkedHashMap<>();
        if (agentArgs == null || agentArgs.trim().isEmpty()) {
            return values;
        }
        for (String part : ARGUMENT_SEPARATOR.split(agentArgs.trim(), -1)) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new ConfigException("bad agent argument '" + abbreviate(part)
                        + "': expected key=value pairs separated by commas, e.g. samples=100,delay=50ms");
            }
            String key = part.substring(0, eq).trim();
            checkKnown(key, "agent argument");
            if (values.put(key, part.substring(eq + 1).trim()) != null) {
                throw new ConfigException("key '" + key + "' is given twice in the agent argument");
            }
        }
        return values;
    }

    /**
     * {@code chokepoint.*} system properties that name no setting, e.g. a misspelt
     * {@code -Dchokepoint.sample=20}. Not an error: system properties are the host's namespace, and
     * a stray one should not cost it its monitor; but a typo must not pass in silence either.
     */
    public static List<String> unknownSystemProperties(Properties systemProperties) {
        List<String> unknown = new ArrayList<>();
        for (String name : systemProperties.stringPropertyNames()) {
            if (name.startsWith(SYSTEM_PROPERTY_PREFIX)
                    && !KEYS.contains(name.substring(SYSTEM_PROPERTY_PREFIX.length()))) {
                unknown.add(name);
            }
        }
        Collections.sort(unknown);
        return unknown;
    }

    private static Map<String, String> fromSystemProperties(Properties systemProperties) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : KEYS) {
            String value = systemProperties.getProperty(SYSTEM_PROPERTY_PREFIX + key);
            if (value != null) {
                values.put(key, value.trim());
            }
        }
        return values;
    }

    private static Map<String, String> readFile(String location) throws ConfigException {
        Path path;
        try {
            path = Paths.get(location);
        } catch (InvalidPathException e) {
            throw new ConfigException("bad value for config: '" + abbreviate(location) + "' is not a file path");
        }
        Properties properties = new Properties();
        try {
            if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                throw new ConfigException("cannot read config file " + path.toAbsolutePath()
                        + ": not a readable file (config=/path/to/chokepoint.properties)");
            }
            if (Files.size(path) > MAX_CONFIG_FILE_BYTES) {
                throw new ConfigException("config file " + path.toAbsolutePath() + " is larger than "
                        + MAX_CONFIG_FILE_BYTES / 1024 + " KiB: expected a small properties file");
            }
            try (InputStream in = Files.newInputStream(path);
                 Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                properties.load(reader);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("cannot read config file " + path.toAbsolutePath() + ": " + e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : properties.stringPropertyNames()) {
            checkKnown(key, "config file " + path);
            if (Settings.CONFIG.equals(key)) {
                throw new ConfigException("config file " + path + " may not name another config file");
            }
            values.put(key, properties.getProperty(key).trim());
        }
        return values;
    }

    private static AgentConfig build(Map<String, String> values) throws ConfigException {
        int samples = values.containsKey(Settings.SAMPLES)
                ? parseInt(Settings.SAMPLES, values.get(Settings.SAMPLES), Settings.SAMPLES_MIN, Settings.SAMPLES_MAX)
                : Settings.SAMPLES_DEFAULT;
        long delay = values.containsKey(Settings.DELAY)
                ? parseDelay(values.get(Settings.DELAY)) : Settings.DELAY_MILLIS_DEFAULT;
        double low = values.containsKey(Settings.LOW)
                ? parseRatio(Settings.LOW, values.get(Settings.LOW)) : Settings.LOW_DEFAULT;
        double high = values.containsKey(Settings.HIGH)
                ? parseRatio(Settings.HIGH, values.get(Settings.HIGH)) : Settings.HIGH_DEFAULT;
        if (low > high) {
            throw new ConfigException("thresholds out of order: low=" + low + " is above high=" + high
                    + " (expected 0 <= low <= high <= 1)");
        }
        Pattern threads = values.containsKey(Settings.THREADS) ? parseRegex(values.get(Settings.THREADS)) : null;
        List<FrameSignature> frames = values.containsKey(Settings.FRAMES)
                ? parseFrames(values.get(Settings.FRAMES)) : new ArrayList<FrameSignature>();
        int depth = values.containsKey(Settings.DEPTH)
                ? parseInt(Settings.DEPTH, values.get(Settings.DEPTH), Settings.DEPTH_MIN, Settings.DEPTH_MAX)
                : Settings.DEPTH_DEFAULT;
        boolean instrument = values.containsKey(Settings.INSTRUMENT)
                ? parseBoolean(Settings.INSTRUMENT, values.get(Settings.INSTRUMENT)) : Settings.INSTRUMENT_DEFAULT;
        boolean flinkMetrics = values.containsKey(Settings.FLINK_METRICS)
                ? parseBoolean(Settings.FLINK_METRICS, values.get(Settings.FLINK_METRICS)) : Settings.FLINK_METRICS_DEFAULT;
        long step = values.containsKey(Settings.HISTORY_STEP)
                ? parseLongDuration(Settings.HISTORY_STEP, values.get(Settings.HISTORY_STEP),
                Settings.HISTORY_STEP_MILLIS_MIN, Settings.HISTORY_STEP_MILLIS_MAX)
                : Settings.HISTORY_STEP_MILLIS_DEFAULT;
        long history = values.containsKey(Settings.HISTORY)
                ? parseLongDuration(Settings.HISTORY, values.get(Settings.HISTORY), 0, step * Settings.HISTORY_POINTS_MAX)
                : Settings.HISTORY_MILLIS_DEFAULT;
        if (history > 0 && history < step) {
            throw new ConfigException("bad value '" + abbreviate(values.get(Settings.HISTORY)) + "' for "
                    + Settings.HISTORY + ": shorter than " + Settings.HISTORY_STEP + "=" + step
                    + "ms (expected 0 for none, or at least one step)");
        }
        long persistentAfter = values.containsKey(Settings.PERSISTENT_AFTER)
                ? parseLongDuration(Settings.PERSISTENT_AFTER, values.get(Settings.PERSISTENT_AFTER), 1,
                Settings.HISTORY_STEP_MILLIS_MAX * Settings.HISTORY_POINTS_MAX)
                : Settings.PERSISTENT_AFTER_MILLIS_DEFAULT;
        return new AgentConfig(samples, delay, low, high, threads, frames, depth, instrument, flinkMetrics,
                history, step, persistentAfter);
    }

    private static int parseInt(String key, String value, int min, int max) throws ConfigException {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the accepted form
        }
        throw bad(key, value, "a whole number from " + min + " to " + max);
    }

    private static boolean parseBoolean(String key, String value) throws ConfigException {
        if ("true".equalsIgnoreCase(value)) {
            return true;
        }
        if ("false".equalsIgnoreCase(value)) {
            return false;
        }
        throw bad(key, value, "true or false");
    }

    private static long parseDelay(String value) throws ConfigException {
        Matcher m = DURATION.matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            long millis = "s".equals(m.group(2)) ? n * 1000 : n;
            if (millis >= Settings.DELAY_MILLIS_MIN && millis <= Settings.DELAY_MILLIS_MAX) {
                return millis;
            }
        }
        throw bad(Settings.DELAY, value, "a duration from 1ms to 3600s, such as 50ms or 2s");
    }

    /** A duration with an {@code ms}, {@code s}, {@code m} or {@code h} suffix, a bare number ms, within {@code [min, max]} ms. */
    private static long parseLongDuration(String key, String value, long min, long max) throws ConfigException {
        Matcher m = LONG_DURATION.matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2);
            long millis = "h".equals(unit) ? n * 3_600_000L : "m".equals(unit) ? n * 60_000L
                    : "s".equals(unit) ? n * 1000L : n;
            if (millis >= min && millis <= max) {
                return millis;
            }
        }
        throw bad(key, value, "a duration from " + durationText(min) + " to " + durationText(max)
                + " with a unit: ms, s, m or h, such as 10m or 1s");
    }

    private static String durationText(long millis) {
        if (millis == 0) {
            return "0";
        }
        if (millis % 3_600_000L == 0) {
            return millis / 3_600_000L + "h";
        }
        if (millis % 60_000L == 0) {
            return millis / 60_000L + "m";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    private static double parseRatio(String key, String value) throws ConfigException {
        try {
            double d = Double.parseDouble(value);
            if (d >= 0 && d <= 1) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the accepted form
        }
        throw bad(key, value, "a ratio from 0 to 1, such as 0.10");
    }

    private static Pattern parseRegex(String value) throws ConfigException {
        if (value.isEmpty()) {
            throw bad(Settings.THREADS, value, "a regular expression on thread names, such as ^MyTask .*");
        }
        try {
            return Pattern.compile(value);
        } catch (PatternSyntaxException e) {
            throw bad(Settings.THREADS, value, "a valid regular expression (" + e.getDescription() + " near index "
                    + e.getIndex() + ")");
        }
    }

    private static List<FrameSignature> parseFrames(String value) throws ConfigException {
        List<FrameSignature> frames = new ArrayList<>();
        for (String part : value.split(";")) {
            if (part.trim().isEmpty()) {
                continue;
            }
            Matcher m = FRAME.matcher(part);
            if (!m.matches()) {
                throw bad(Settings.FRAMES, part, "fully.qualified.Class#method signatures separated by ';'");
            }
            frames.add(new FrameSignature(m.group(1), m.group(2)));
        }
        return frames;
    }

    private static void checkKnown(String key, String where) throws ConfigException {
        if (!KEYS.contains(key)) {
            throw new ConfigException("unknown key '" + abbreviate(key) + "' in " + where + " (known keys: "
                    + String.join(", ", KEYS) + ")");
        }
    }

    private static ConfigException bad(String key, String value, String expected) {
        return new ConfigException("bad value '" + abbreviate(value) + "' for " + key + ": expected " + expected);
    }

    /** Keeps an error line one line, whatever the user passed: no control characters, bounded length. */
    static String abbreviate(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < 80; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return text.length() > 80 ? out + "..." : out.toString();
    }
}

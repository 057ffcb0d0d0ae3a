package dev.chokepoint.agent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigParserTest {

    private static final Properties NO_PROPERTIES = new Properties();

    @Test
    void defaultsMatchFlinksMonitor() throws ConfigException {
        AgentConfig config = ConfigParser.parse(null, NO_PROPERTIES);
        assertEquals(100, config.samples());
        assertEquals(50, config.delayMillis());
        assertEquals(0.10, config.low());
        assertEquals(0.5, config.high());
        assertNull(config.threads());
        assertTrue(config.frames().isEmpty());
        assertEquals(16, config.depth());
        assertTrue(config.instrument());
        assertTrue(config.flinkMetrics());
        assertEquals(600_000, config.historyMillis());
        assertEquals(1000, config.historyStepMillis());
        assertEquals(600, config.historyPoints());
        assertEquals(60_000, config.persistentAfterMillis());
        assertEquals(config.toString(), ConfigParser.parse("", NO_PROPERTIES).toString());
    }

    @Test
    void readsEveryKeyFromTheAgentArgument() throws ConfigException {
        AgentConfig config = ConfigParser.parse(
                "samples=20, delay=2s,low=0.2,high=0.8,threads=^Worker-\\d{1,3}$,frames=a.B#c; d.e.F$G#h,depth=16,instrument=false,"
                        + "flinkMetrics=false",
                NO_PROPERTIES);
        assertEquals(20, config.samples());
        assertEquals(2000, config.delayMillis());
        assertEquals(0.2, config.low());
        assertEquals(0.8, config.high());
        assertEquals("^Worker-\\d{1,3}$", config.threads().pattern()); // the comma inside {1,3} stays
        assertEquals(Arrays.asList(new FrameSignature("a.B", "c"), new FrameSignature("d.e.F$G", "h")), config.frames());
        assertEquals(16, config.depth());
        assertFalse(config.instrument());
        assertFalse(config.flinkMetrics());
    }

    @ParameterizedTest
    @CsvSource({"50ms,50", "50,50", "1s,1000", "3600s,3600000", "1ms,1"})
    void delayTakesMillisecondsOrSeconds(String value, long millis) throws ConfigException {
        assertEquals(millis, ConfigParser.parse("delay=" + value, NO_PROPERTIES).delayMillis());
    }

    @Test
    void argumentBeatsSystemPropertyBeatsFileBeatsDefault(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("chokepoint.properties");
        Files.write(file, "samples=11\ndelay=11ms\nlow=0.11\n".getBytes(StandardCharsets.UTF_8));
        Properties system = new Properties();
        system.setProperty("chokepoint.config", file.toString());
        system.setProperty("chokepoint.delay", "22ms");
        system.setProperty("chokepoint.low", "0.22");
        system.setProperty("unrelated.low", "0.99");

        AgentConfig config = ConfigParser.parse("low=0.33", system);
        assertEquals(11, config.samples());     // file
        assertEquals(22, config.delayMillis()); // system property over file
        assertEquals(0.33, config.low());       // argument over both
        assertEquals(0.5, config.high());       // default
    }

    @Test
    void configFileMayBeNamedInTheArgument(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.properties");
        Files.write(file, "samples=42\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(42, ConfigParser.parse("config=" + file, NO_PROPERTIES).samples());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "foo=1|unknown key 'foo'",
        "samples|expected key=value pairs",
        "samples=0|for samples: expected a whole number from 1 to 65535",
        "samples=abc|'abc' for samples",
        "samples=65536|for samples",
        "instrument=yes|for instrument: expected true or false",
        "flinkMetrics=off|for flinkMetrics: expected true or false",
        "delay=0ms|for delay: expected a duration",
        "delay=-5ms|for delay",
        "delay=5m|for delay",
        "delay=1.5s|for delay",
        "delay=3601s|for delay",
        "low=1.5|for low: expected a ratio from 0 to 1",
        "high=-0.1|for high",
        "low=NaN|for low",
        "low=0.6,high=0.5|thresholds out of order",
        "threads=(unclosed|for threads: expected a valid regular expression",
        "threads=|for threads",
        "frames=NoMethod|for frames: expected fully.qualified.Class#method",
        "frames=a.B#c#d|for frames",
        "depth=2|for depth",
        "samples=1,samples=2|given twice",
    })
    void badValuesNameTheKeyAndTheAcceptedForm(String argument, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(argument, NO_PROPERTIES));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().indexOf('\n') < 0, "one line: " + e.getMessage());
    }

    @Test
    void badSystemPropertyIsRejectedLikeAnArgument() {
        Properties system = new Properties();
        system.setProperty("chokepoint.samples", "many");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(null, system));
        assertTrue(e.getMessage().contains("for samples"), e.getMessage());
    }

    @Test
    void unreadableOrForeignConfigFilesAreRejected(@TempDir Path dir) throws IOException {
        assertRejected("config=" + dir.resolve("missing.properties"), "cannot read config file");
        assertRejected("config=" + dir, "cannot read config file");
        Path unknown = dir.resolve("unknown.properties");
        Files.write(unknown, "colour=red\n".getBytes(StandardCharsets.UTF_8));
        assertRejected("config=" + unknown, "unknown key 'colour'");
        Path huge = dir.resolve("huge.properties");
        byte[] garbage = new byte[1024 * 1024];
        Arrays.fill(garbage, (byte) '#');
        Files.write(huge, garbage);
        assertRejected("config=" + huge, "larger than 64 KiB");
    }

    @Test
    void errorLinesStayOneLineWhateverTheInput() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigParser.parse("samples=\u0000\u001b[31m\u00e9\u4e2d" + new String(new char[500]).replace('\0', 'x'),
                        NO_PROPERTIES));
        assertTrue(e.getMessage().length() < 200, e.getMessage());
        assertTrue(e.getMessage().chars().noneMatch(Character::isISOControl), e.getMessage());
    }

    private static void assertRejected(String argument, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(argument, NO_PROPERTIES));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void misspeltSystemPropertiesAreListedAndKnownOnesAreNot() {
        Properties properties = new Properties();
        properties.setProperty("chokepoint.samples", "10");
        properties.setProperty("chokepoint.sample", "20");
        properties.setProperty("chokepoint.Delay", "5ms");
        properties.setProperty("chokepointx.samples", "1");
        properties.setProperty("java.version", "17");
        assertEquals(Arrays.asList("chokepoint.Delay", "chokepoint.sample"),
                ConfigParser.unknownSystemProperties(properties));
    }

    @ParameterizedTest
    @CsvSource({"10m,1s,600000,1000,600", "1h,1s,3600000,1000,3600", "75s,500ms,75000,500,150", "0,1s,0,1000,0",
        "2h,2s,7200000,2000,3600", "5000,2000,5000,2000,2"})
    void historyAndStepTakeDurationsUpToHours(String history, String step, long historyMillis, long stepMillis,
                                              int points) throws ConfigException {
        AgentConfig config = ConfigParser.parse("history=" + history + ",historyStep=" + step + ",persistentAfter=2m",
                NO_PROPERTIES);
        assertEquals(historyMillis, config.historyMillis());
        assertEquals(stepMillis, config.historyStepMillis());
        assertEquals(points, config.historyPoints());
        assertEquals(120_000, config.persistentAfterMillis());
        assertTrue(config.toString().endsWith(",history=" + historyMillis + "ms,historyStep=" + stepMillis
                + "ms,persistentAfter=120000ms"), config.toString());
    }

    @ParameterizedTest
    @CsvSource({"history=2h,history", "history=10x,history", "history=500ms,shorter than historyStep",
        "historyStep=50ms,historyStep", "historyStep=2h,historyStep", "historyStep=-1s,historyStep",
        "persistentAfter=0,persistentAfter", "history=,history"})
    void aBadHistorySettingIsOneClearError(String argument, String named) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(argument, NO_PROPERTIES));
        assertTrue(e.getMessage().contains(named), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}

package dev.chokepoint.bench.job;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptionsTest {

    @Test
    void readsKeyValuePairsWithDefaults() {
        Options o = Options.parse(new String[]{"--rounds=7", "--configs=;delay=10ms", "--expect-agent=true"});
        assertEquals(7, o.positiveInt("rounds", 5));
        assertEquals(3, o.positiveInt("other", 3));
        // only the first '=' separates key and value
        assertEquals(";delay=10ms", o.string("configs", ""));
        assertTrue(o.bool("expect-agent", false));
    }

    @Test
    void durationsTakeMillisecondsSecondsAndMinutes() {
        assertEquals(Duration.ofMillis(500), Options.parseDuration("d", "500ms"));
        assertEquals(Duration.ofSeconds(15), Options.parseDuration("d", "15s"));
        assertEquals(Duration.ofMinutes(2), Options.parseDuration("d", "2m"));
    }

    @Test
    void badValuesAreRefusedWithTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Options.parseDuration("measure", "30"));
        assertTrue(e.getMessage().contains("--measure=30"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Options.parseDuration("d", "0s"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[]{"--rounds=0"}).positiveInt("rounds", 5));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[]{"rounds=3"}));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[0]).required("agent-jar"));
    }
}

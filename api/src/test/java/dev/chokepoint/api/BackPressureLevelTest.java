package dev.chokepoint.api;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BackPressureLevelTest {

    @ParameterizedTest
    @CsvSource({
        "0.0, OK", "0.10, OK", "0.11, LOW", "0.5, LOW", "0.51, HIGH", "1.0, HIGH"
    })
    void flinksThresholdsAreInclusive(double ratio, BackPressureLevel expected) {
        assertEquals(expected, BackPressureLevel.of(ratio, 0.10, 0.5));
    }

    @ParameterizedTest
    @CsvSource({"0.2, OK", "0.25, LOW", "0.9, LOW", "0.95, HIGH"})
    void configuredThresholdsApply(double ratio, BackPressureLevel expected) {
        assertEquals(expected, BackPressureLevel.of(ratio, 0.2, 0.9));
    }

    @ParameterizedTest
    @CsvSource({"OK, 0", "LOW, 1", "HIGH, 2"})
    void codesForNumericExporters(BackPressureLevel level, int code) {
        assertEquals(code, level.code());
    }
}

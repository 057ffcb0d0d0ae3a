package dev.chokepoint.api;

/** Flink's web UI levels: ratio ≤ low is OK, ≤ high is LOW, above is HIGH. */
public enum BackPressureLevel {
    OK(0), LOW(1), HIGH(2);

    private final int code;

    BackPressureLevel(int code) {
        this.code = code;
    }

    /** 0/1/2, for tools such as jmx_exporter that export numbers only. */
    public int code() {
        return code;
    }

    public static BackPressureLevel of(double ratio, double low, double high) {
        if (ratio <= low) {
            return OK;
        }
        return ratio <= high ? LOW : HIGH;
    }
}

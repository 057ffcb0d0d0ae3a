package dev.chokepoint.cli.report;

import java.io.IOException;

/** The tests' JSON reader ({@link JsonReportTest#parse}), for tests in other packages. */
public final class JsonReportTestAccess {
    private JsonReportTestAccess() {
    }

    public static Object parse(String json) throws IOException {
        return JsonReportTest.parse(json);
    }
}

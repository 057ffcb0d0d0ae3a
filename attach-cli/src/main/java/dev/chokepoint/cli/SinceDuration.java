package dev.chokepoint.cli;

import picocli.CommandLine;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code --since}: a positive duration with a unit, {@code 90s}, {@code 5m}, {@code 1h}, in milliseconds. */
final class SinceDuration implements CommandLine.ITypeConverter<Long> {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    @Override
    public Long convert(String value) {
        Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: a positive number"
                    + " and a unit, e.g. 90s, 5m or 1h");
        }
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "ms":
                return n;
            case "s":
                return n * 1000;
            case "m":
                return n * 60_000;
            default:
                return n * 3_600_000;
        }
    }
}

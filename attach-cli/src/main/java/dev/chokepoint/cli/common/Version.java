package dev.chokepoint.cli.common;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** This CLI's version; the agent it loads must be of the same one. */
public final class Version {

    private static final String VERSION = load();

    private Version() {
    }

    public static String cli() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            String version = properties.getProperty("version");
            return version == null || version.startsWith("${") ? "unknown" : version;
        } catch (IOException e) {
            return "unknown";
        }
    }
}

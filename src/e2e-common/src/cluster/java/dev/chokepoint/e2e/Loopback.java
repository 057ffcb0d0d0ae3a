package dev.chokepoint.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/** Ports and HTTP on 127.0.0.1 only: the clusters and Prometheus the tests start must not be reachable from outside. */
final class Loopback {

    static final String HOST = "127.0.0.1";

    private Loopback() {
    }

    /**
     * A port free right now. Flink's processes are told their ports in their configuration (a
     * TaskManager must know the JobManager's before either runs), so they cannot bind port 0 and
     * report back; the small race with other processes is the price.
     */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    /** The body of a GET, or an {@link IOException} naming the status when it is not 200. */
    static String get(String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(30_000);
        try {
            int status = connection.getResponseCode();
            InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream();
            String text = body == null ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8);
            if (status != 200) {
                throw new IOException("GET " + url + ": HTTP " + status + ": " + text);
            }
            return text;
        } finally {
            connection.disconnect();
        }
    }
}

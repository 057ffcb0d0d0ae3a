package dev.chokepoint.cli;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code status --rest} against real servers that are not a usable Flink REST API: each failure is
 * exit code 1, one {@code error:} line that says what happened and one {@code hint:} line, and
 * nothing on stdout. (The happy path runs against a real Flink in the e2e modules.)
 */
class RestErrorsTest {

    private static final String PASSWORD = "chokepoint";

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aClosedPortIsUnreachable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Run run = status("--rest", "http://127.0.0.1:" + port);
        run.assertFailure("error: cannot reach http://127.0.0.1:" + port + ": connection refused",
                "hint: check the JobManager's address");
    }

    @Test
    void aWebServerThatIsNotFlinkIsSaidSo() throws Exception {
        String url = serve(HttpServer.create(loopback(), 0), 200, "text/html", "<html><body>It works!</body></html>");
        Run run = status("--rest", url);
        run.assertFailure("error: " + url + " is not a Flink REST API (GET /jobs/overview: HTTP 200, text/html, not JSON",
                "hint: give the JobManager's REST address");
    }

    @Test
    void aJsonServerWithoutFlinksPathsIsSaidSo() throws Exception {
        String url = serve(HttpServer.create(loopback(), 0), 404, "application/json", "{\"message\":\"no route\"}");
        Run run = status("--rest", url + "/");
        run.assertFailure("error: " + url + " is not a Flink REST API (GET /jobs/overview: HTTP 404",
                "hint: give the JobManager's REST address");
    }

    @Test
    void authenticationIsSaidSo() throws Exception {
        String url = serve(HttpServer.create(loopback(), 0), 401, "text/plain", "Unauthorized");
        Run run = status("--rest", url, "--json");
        run.assertFailure("error: " + url + " asks for authentication (HTTP 401)", "hint: the CLI sends no credentials");
    }

    @Test
    void aCertificateTheJdkCannotVerifyIsSaidSo() throws Exception {
        HttpsServer https = HttpsServer.create(loopback(), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(selfSigned()));
        String url = serve(https, 200, "application/json", "{\"jobs\":[]}").replace("http:", "https:");
        Run run = status("--rest", url);
        run.assertFailure("error: TLS handshake with " + url + " failed: ", "hint: trust its certificate");
    }

    @Test
    void notAUrlIsSaidSo() throws Exception {
        Run run = status("--rest", "jobmanager:8081");
        run.assertFailure("error: 'jobmanager:8081' is not an http:// or https:// URL with a host",
                "hint: give the JobManager's REST address");
    }

    @Test
    void aPidWithRestIsAUsageError() throws Exception {
        Run run = status("1234", "--rest", "http://127.0.0.1:1");
        assertEquals(ChokepointCli.USAGE, run.exit, run.toString());
        assertTrue(run.err.contains("not both"), run.toString());
    }

    // ---------------------------------------------------------------------------------------------

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    /** Serves {@code body} with {@code status} on every path; returns the base URL. */
    private String serve(HttpServer http, int status, String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        http.createContext("/", exchange -> {
            try (InputStream ignored = exchange.getRequestBody()) {
                exchange.getResponseHeaders().add("Content-Type", contentType);
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
            } finally {
                exchange.close();
            }
        });
        http.start();
        server = http;
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    /** A TLS context with a fresh self-signed certificate (the JDK's keytool): no truststore has it. */
    private static SSLContext selfSigned() throws Exception {
        Path dir = Files.createDirectories(Paths.get("target", "rest-tls"));
        Path keystore = dir.resolve("self-signed-" + System.nanoTime() + ".p12");
        Process keytool = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS), "keytool did not finish");
        assertEquals(0, keytool.exitValue(), output);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    /** The CLI in this JVM, through its picocli entry, with stdout and stderr captured. */
    private static Run status(String... args) throws IOException {
        String[] full = new String[args.length + 1];
        full[0] = "status";
        System.arraycopy(args, 0, full, 1, args.length);
        CommandLine cli = ChokepointCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int exit;
        try (PrintStream capture = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            exit = cli.execute(full);
        } finally {
            System.setOut(stdout);
        }
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString());
    }

    private static final class Run {
        final int exit;
        final String out;
        final String err;

        Run(int exit, String out, String err) {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }

        void assertFailure(String error, String hint) {
            assertEquals(ChokepointCli.FAILURE, exit, toString());
            assertEquals("", out, "nothing on stdout: " + this);
            String[] lines = err.split("\\R");
            assertEquals(2, lines.length, "an error line and a hint line: " + this);
            assertTrue(lines[0].startsWith("chokepoint: " + error), "error line: " + this);
            assertTrue(lines[1].startsWith("  " + hint), "hint line: " + this);
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}

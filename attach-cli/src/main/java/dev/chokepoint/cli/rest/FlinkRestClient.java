package dev.chokepoint.cli.rest;

import dev.chokepoint.cli.common.CliException;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * GETs JSON from a Flink JobManager's REST API, and turns every way that can fail into one
 * {@link CliException} that says what happened and what to do: nothing else leaves this class.
 */
public final class FlinkRestClient {

    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Requests in flight at once for {@link #getAll}: a large vertex's metrics take many, each answered from memory. */
    static final int CONCURRENT = 4;
    static final String TRUST_HINT = "trust its certificate: java -Djavax.net.ssl.trustStore=/path/truststore.jks"
            + " -Djavax.net.ssl.trustStorePassword=... -jar chokepoint.jar ... (or in JAVA_TOOL_OPTIONS)";

    /** Without a trailing slash. */
    private final String base;
    private final HttpClient http;
    private final AtomicInteger requests = new AtomicInteger();
    private ExecutorService pool;

    public FlinkRestClient(String url) {
        String trimmed = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw new CliException("'" + url + "' is not a URL: " + e.getMessage(),
                    "give the JobManager's REST address, e.g. --rest http://jobmanager:8081");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new CliException("'" + url + "' is not an http:// or https:// URL with a host",
                    "give the JobManager's REST address, e.g. --rest http://jobmanager:8081");
        }
        this.base = trimmed;
        // HTTP/1.1: all Flink's REST server speaks; the JDK's default would ask it for an HTTP/2 upgrade first.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public String url() {
        return base;
    }

    /** Requests sent so far: one reading of a job must cost a bounded number of them. */
    public int requests() {
        return requests.get();
    }

    /**
     * The JSON answer to {@code GET base + path}. {@code notFound}: what a 404 means for this path
     * (null: the server is not Flink's REST API, which answers every path of its own).
     */
    Object get(String path, CliException notFound) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .header("Accept", "application/json").GET().build();
        requests.incrementAndGet();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while reading " + base + path, null);
        } catch (IOException e) {
            throw unreachable(e);
        }
        int status = response.statusCode();
        if (status == 401 || status == 403 || (status >= 300 && status < 400)) {
            String where = response.headers().firstValue("Location").map(l -> ", redirected to " + l).orElse("");
            throw new CliException(base + " asks for authentication (HTTP " + status + where + "); Flink's REST API"
                    + " itself asks for none, so a proxy in front of it does",
                    "the CLI sends no credentials: reach the JobManager directly (e.g. kubectl port-forward"
                            + " to its rest port) or through a proxy that adds them");
        }
        Object json;
        try {
            json = JsonTree.parse(response.body());
        } catch (IOException e) {
            throw notFlink(path, "HTTP " + status + ", " + response.headers().firstValue("Content-Type")
                    .orElse("no content type") + ", not JSON: " + preview(response.body()));
        }
        if (status == 404) {
            if (notFound == null || !isFlinkError(json)) {
                throw notFlink(path, "HTTP 404 for a path Flink's REST API always has");
            }
            throw notFound;
        }
        if (status != 200) {
            List<Object> errors = JsonTree.array(json, "errors");
            throw new CliException("the Flink REST API at " + base + " answered HTTP " + status + " to " + path
                    + (errors.isEmpty() ? "" : ": " + firstLine(String.valueOf(errors.get(0)))),
                    status >= 500 ? "the JobManager may be starting or failing over: run the command again" : null);
        }
        return json;
    }

    /** The answers to {@link #get} of each path, in order; up to {@link #CONCURRENT} at once. */
    List<Object> getAll(List<String> paths, CliException notFound) {
        if (paths.size() <= 1) {
            List<Object> answers = new ArrayList<>();
            paths.forEach(path -> answers.add(get(path, notFound)));
            return answers;
        }
        synchronized (this) {
            if (pool == null) {
                pool = Executors.newFixedThreadPool(CONCURRENT, task -> {
                    Thread thread = new Thread(task, "chokepoint-rest");
                    thread.setDaemon(true); // the CLI exits without closing the client
                    return thread;
                });
            }
        }
        List<CompletableFuture<Object>> futures = new ArrayList<>();
        for (String path : paths) {
            futures.add(CompletableFuture.supplyAsync(() -> get(path, notFound), pool));
        }
        List<Object> answers = new ArrayList<>();
        for (CompletableFuture<Object> future : futures) {
            try {
                answers.add(future.join());
            } catch (CompletionException e) {
                if (e.getCause() instanceof CliException) {
                    throw (CliException) e.getCause();
                }
                throw e;
            }
        }
        return answers;
    }

    /** Flink answers an unknown resource with {@code {"errors":[...]}}. */
    private static boolean isFlinkError(Object json) {
        return !JsonTree.array(json, "errors").isEmpty();
    }

    CliException notFlink(String path, String what) {
        return new CliException(base + " is not a Flink REST API (GET " + path + ": " + what + ")",
                "give the JobManager's REST address (rest.port, 8081 by default), e.g. --rest http://jobmanager:8081");
    }

    private CliException unreachable(IOException e) {
        Throwable cause = e;
        while (cause != null) {
            if (cause instanceof SSLHandshakeException) {
                return new CliException("TLS handshake with " + base + " failed: " + firstLine(cause.getMessage())
                        + " (the JDK cannot verify the server's certificate, or the server speaks no TLS)",
                        base.startsWith("https:") ? TRUST_HINT : null);
            }
            if (cause instanceof SSLException) {
                return new CliException("TLS with " + base + " failed: " + firstLine(cause.getMessage()),
                        base.startsWith("https:") ? "check that the REST API uses TLS (security.ssl.rest.enabled); "
                                + "else give an http:// URL" : null);
            }
            cause = cause.getCause();
        }
        if (e instanceof HttpConnectTimeoutException || e instanceof ConnectException) {
            // The JDK's ConnectException for a refused connection carries no message.
            String why = e instanceof HttpConnectTimeoutException ? "no connection within " + TIMEOUT.toSeconds() + " s"
                    : e.getMessage() == null ? "connection refused" : describe(e);
            return new CliException("cannot reach " + base + ": " + why,
                    "check the JobManager's address and REST port (rest.port, 8081 by default) and that it runs");
        }
        if (e instanceof HttpTimeoutException) {
            return new CliException(base + " did not answer within " + TIMEOUT.toSeconds() + " s",
                    "the JobManager may be overloaded: run the command again");
        }
        return new CliException("reading " + base + " failed: " + describe(e), base.startsWith("http:")
                ? "if the REST API uses TLS (security.ssl.rest.enabled), give an https:// URL" : null);
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        if (message == null && e.getCause() != null) {
            message = e.getCause().toString();
        }
        return message == null ? e.getClass().getSimpleName() : firstLine(message);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private static String preview(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 60), StandardCharsets.UTF_8)
                .replaceAll("\\s+", " ").trim();
        return text.isEmpty() ? "(empty)" : "'" + text + (body.length > 60 ? "...'" : "'");
    }
}

package io.ztna.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads a daemon's admin endpoint over HTTP, as a monitoring system would. */
final class AdminClient {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private AdminClient() {
    }

    /** Returns the status code and body of {@code GET path}. */
    static HttpResponse<String> get(InetSocketAddress admin, String path) {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + admin.getPort() + path))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " on " + admin + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during GET " + path, e);
        }
    }

    /** Returns the status code of {@code GET /readyz}: 200 when ready, 503 otherwise. */
    static int readiness(InetSocketAddress admin) {
        return get(admin, "/readyz").statusCode();
    }

    /** Scrapes {@code /metrics} and parses the samples. */
    static PrometheusSamples metrics(InetSocketAddress admin) {
        HttpResponse<String> response = get(admin, "/metrics");
        if (response.statusCode() != 200) {
            throw new AssertionError("GET /metrics on " + admin + " returned "
                    + response.statusCode() + ": " + response.body());
        }
        return PrometheusSamples.parse(response.body());
    }
}

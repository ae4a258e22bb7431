package dev.wallet.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The service's management interface (health, metrics, OpenAPI) on a port of its own, on this host. */
public record Management(int port) {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** The readiness check's HTTP status, or -1 while nothing answers on the port. */
    public int readiness() {
        try {
            return send("/q/health/ready", HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    public boolean ready() {
        return readiness() == 200;
    }

    /** Its metrics, in the Prometheus text format. */
    public String metrics() {
        return get("/q/metrics").body();
    }

    public HttpResponse<String> get(String path) {
        try {
            return send(path, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T> HttpResponse<T> send(String path, HttpResponse.BodyHandler<T> body) throws IOException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).build(), body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}

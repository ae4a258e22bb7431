package dev.wallet.tracing;

import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.quarkus.logging.Log;

/**
 * The OpenTelemetry the service traces with, SmallRye's Kafka connector included: a no-op unless an OTLP exporter
 * endpoint is configured ({@code OTEL_EXPORTER_OTLP_ENDPOINT}); then the SDK, configured by the standard
 * {@code OTEL_*} environment variables (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/).
 */
public class TracingSetup {

    @Produces
    @Singleton
    OpenTelemetry openTelemetry(@ConfigProperty(name = "otel.exporter.otlp.endpoint") Optional<String> endpoint) {
        if (endpoint.isEmpty()) {
            return OpenTelemetry.noop();
        }
        Log.infof("Tracing to %s", endpoint.get());
        return AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> Map.of("otel.service.name", "wallet-event-service",
                        // Traces only: metrics and logs have their own paths (Prometheus, the log pipeline).
                        "otel.metrics.exporter", "none", "otel.logs.exporter", "none"))
                .build().getOpenTelemetrySdk();
    }

    /** Whether spans are recorded: the no-op's propagator passes nothing on. */
    static boolean enabled(OpenTelemetry openTelemetry) {
        return openTelemetry.getPropagators().getTextMapPropagator() != TextMapPropagator.noop();
    }

    void close(@Disposes OpenTelemetry openTelemetry) {
        if (openTelemetry instanceof OpenTelemetrySdk sdk) {
            sdk.close();
        }
    }
}

package dev.wallet.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready while the last record could not be processed (DynamoDB or Kafka unreachable): it is being retried. */
@Readiness
@ApplicationScoped
public class ProcessingHealth implements HealthCheck {

    private volatile String failure;

    void failed(Throwable cause) {
        failure = cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    void progressed() {
        failure = null;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("wallet-event-processing").status(failure == null)
                .withData("lastFailure", failure == null ? "none" : failure).build();
    }
}

package dev.wallet.messaging;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;

import dev.wallet.Outcome;

/**
 * What the service published and how its transactions went, for the alerts in docs/alerts/wallet-alerts.yml:
 * outcomes by kind and rejection reason, and output transactions by result. Exposed on {@code /q/metrics}.
 */
@ApplicationScoped
public class MessagingMetrics {

    private final MeterRegistry registry;

    public MessagingMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A batch's outcomes, once its transaction committed: counted once per batch that read_committed readers see. */
    void published(List<Outcome> outcomes) {
        for (Outcome outcome : outcomes) {
            if (outcome instanceof Outcome.Rejected rejected) {
                count("rejected", rejected.reason().name());
            } else {
                count(outcome instanceof Outcome.Applied ? "applied" : "duplicate", "none");
            }
        }
    }

    private void count(String outcome, String reason) {
        registry.counter("wallet.outcomes", "outcome", outcome, "reason", reason).increment();
    }

    /** {@code committed}, {@code failed} (retried on a new producer) or {@code dropped} (an older generation's). */
    void transaction(String result) {
        registry.counter("wallet.transactions", "result", result).increment();
    }
}

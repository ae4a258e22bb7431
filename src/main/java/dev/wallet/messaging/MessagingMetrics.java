package dev.wallet.messaging;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.wallet.Outcome;
import dev.wallet.RejectionReason;

/**
 * What the service published and how its transactions went, for the alerts in docs/alerts/wallet-alerts.yml:
 * outcomes by kind and rejection reason, and output transactions by result. Exposed on {@code /q/metrics}. Every
 * counter is registered up front, so each series exists (at 0) before its first event and none is looked up per
 * outcome.
 */
@ApplicationScoped
public class MessagingMetrics {

    /** How a batch's transaction ended. */
    enum TransactionResult {
        COMMITTED,
        /** Retried on a new producer. */
        FAILED,
        /** A batch of an older consumer-group generation, which comes again to the partition's owner. */
        DROPPED
    }

    private final Counter applied;
    private final Counter duplicates;
    private final Map<RejectionReason, Counter> rejected = new EnumMap<>(RejectionReason.class);
    private final Map<TransactionResult, Counter> transactions = new EnumMap<>(TransactionResult.class);

    public MessagingMetrics(MeterRegistry registry) {
        this.applied = registry.counter("wallet.outcomes", "outcome", "applied", "reason", "none");
        this.duplicates = registry.counter("wallet.outcomes", "outcome", "duplicate", "reason", "none");
        for (RejectionReason reason : RejectionReason.values()) {
            rejected.put(reason, registry.counter("wallet.outcomes", "outcome", "rejected", "reason", reason.name()));
        }
        for (TransactionResult result : TransactionResult.values()) {
            transactions.put(result, registry.counter("wallet.transactions", "result",
                    result.name().toLowerCase(Locale.ROOT)));
        }
    }

    /** A batch's outcomes, once its transaction committed: counted once per batch that read_committed readers see. */
    void published(List<Outcome> outcomes) {
        for (Outcome outcome : outcomes) {
            if (outcome instanceof Outcome.Rejected rejection) {
                rejected.get(rejection.reason()).increment();
            } else {
                (outcome instanceof Outcome.Applied ? applied : duplicates).increment();
            }
        }
    }

    void transaction(TransactionResult result) {
        transactions.get(result).increment();
    }
}

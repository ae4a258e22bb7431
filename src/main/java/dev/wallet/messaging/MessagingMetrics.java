package dev.wallet.messaging;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.wallet.Outcome;
import dev.wallet.RejectionReason;

/**
 * What the service published and how its transactions went, for the alerts in docs/alerts/wallet-alerts.yml:
 * outcomes by kind and rejection reason, output transactions by result, and where a batch's time goes ({@link Stage}).
 * Exposed on {@code /q/metrics}. Every meter is registered up front, so each series exists (at 0) before its first
 * event and none is looked up per outcome.
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

    /** A batch's stages, in order: each timed from the end of the one before. */
    enum Stage {
        /** From its first poll's arrival until it started: behind a batch of the same users, or a full lane. */
        QUEUED,
        /** Wallets and records read, events decided, wallets written. */
        APPLY,
        /** Its records written. */
        RECORD,
        /** Waiting for the batches started before it to commit. */
        TURN,
        /** Its outputs and offsets sent and committed in one transaction. */
        COMMIT
    }

    private final Counter applied;
    private final Counter duplicates;
    private final Map<RejectionReason, Counter> rejected = new EnumMap<>(RejectionReason.class);
    private final Map<TransactionResult, Counter> transactions = new EnumMap<>(TransactionResult.class);
    private final Map<Stage, Timer> stages = new EnumMap<>(Stage.class);

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
        for (Stage stage : Stage.values()) {
            stages.put(stage, registry.timer("wallet.batch.stage", "stage", stage.name().toLowerCase(Locale.ROOT)));
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

    /** Times a batch's stages from {@code queuedSince} ({@link System#nanoTime}), when its first poll arrived. */
    Stages stages(long queuedSince) {
        return new Stages(queuedSince);
    }

    /** One batch's clock: each stage ends where the next begins. */
    final class Stages {

        private volatile long last;

        private Stages(long queuedSince) {
            this.last = queuedSince;
        }

        void ended(Stage stage) {
            long now = System.nanoTime();
            stages.get(stage).record(now - last, TimeUnit.NANOSECONDS);
            last = now;
        }
    }
}

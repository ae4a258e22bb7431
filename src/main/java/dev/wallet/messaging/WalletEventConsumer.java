package dev.wallet.messaging;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

import dev.wallet.InvalidEventException;
import dev.wallet.Outcome;
import dev.wallet.RejectionReason;
import dev.wallet.WalletEvent;
import dev.wallet.WalletEventParser;
import dev.wallet.store.WalletStore;

/**
 * Applies each record of {@code wallet-events} and publishes its outcome. The record is acknowledged (and its
 * offset later committed) only when this method returns, that is after DynamoDB and Kafka both acknowledged.
 */
@ApplicationScoped
public class WalletEventConsumer {

    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(5);

    private final WalletEventParser parser;
    private final WalletStore store;
    private final OutcomePublisher publisher;
    private final ProcessingHealth health;
    private volatile boolean stopping;

    public WalletEventConsumer(WalletEventParser parser, WalletStore store, OutcomePublisher publisher,
            @Readiness ProcessingHealth health) {
        this.parser = parser;
        this.store = store;
        this.publisher = publisher;
        this.health = health;
    }

    // Ordered blocking: each channel copy handles one record at a time, in partition order. A failure (DynamoDB or Kafka down, throttled)
    // is retried with backoff for as long as it lasts: skipping the record would lose money. Retrying is safe
    // because processing an event again only re-publishes its first outcome.
    @Incoming(Channels.EVENTS)
    @Blocking
    public void consume(ConsumerRecord<String, byte[]> record) {
        Uni.createFrom().item(() -> process(record))
                // Retries are resubscribed from a timer thread, which must not block: back to a worker.
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure().invoke(e -> failed(record, e))
                // Once shutting down, a failed record is left unacknowledged: its next owner processes it.
                .onFailure(e -> !stopping).retry().withBackOff(FIRST_RETRY, LONGEST_RETRY).indefinitely()
                .await().indefinitely();
        health.progressed(record);
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    private Outcome process(ConsumerRecord<String, byte[]> record) {
        Outcome outcome = decide(record);
        publisher.publish(outcome, record);
        Log.debugf("%s at %s-%d@%d", outcome, record.topic(), record.partition(), record.offset());
        return outcome;
    }

    private void failed(ConsumerRecord<String, byte[]> record, Throwable e) {
        health.failed(record, e);
        Log.warnf(e, "Could not process %s-%d@%d, will retry", record.topic(), record.partition(), record.offset());
    }

    private Outcome decide(ConsumerRecord<String, byte[]> record) {
        try {
            WalletEvent event = parser.parse(record.key(), record.value());
            return store.apply(event);
        } catch (InvalidEventException e) {
            return new Outcome.Rejected(e.eventId(), e.userId(), RejectionReason.INVALID_EVENT, e.getMessage(), null);
        }
    }
}

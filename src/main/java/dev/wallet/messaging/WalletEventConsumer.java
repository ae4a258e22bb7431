package dev.wallet.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
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
 * Applies each batch of {@code wallet-events} records and publishes every record's outcome. A batch is
 * acknowledged (and its offsets later committed) only when this method returns, that is after DynamoDB and
 * Kafka both acknowledged all of it.
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

    // Ordered blocking: each channel copy handles one batch (one poll of its partitions) at a time, so the
    // events of a partition are processed in order. A failure (DynamoDB or Kafka down, throttled) is retried
    // with backoff for as long as it lasts: skipping the batch would lose money. Retrying is safe because
    // processing an event again only re-publishes its first outcome.
    @Incoming(Channels.EVENTS)
    @Blocking
    public void consume(ConsumerRecords<String, byte[]> records) {
        Uni.createFrom().item(() -> process(records))
                // Retries are resubscribed from a timer thread, which must not block: back to a worker.
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure().invoke(e -> failed(records, e))
                // Once shutting down, a failed batch is left unacknowledged: its next owner processes it.
                .onFailure(e -> !stopping).retry().withBackOff(FIRST_RETRY, LONGEST_RETRY).indefinitely()
                .await().indefinitely();
        health.progressed(records);
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    private int process(ConsumerRecords<String, byte[]> records) {
        List<ConsumerRecord<String, byte[]>> sources = new ArrayList<>(records.count());
        records.forEach(sources::add);
        apply(sources);
        Log.debugf("%d records processed", sources.size());
        return sources.size();
    }

    private void failed(ConsumerRecords<String, byte[]> records, Throwable e) {
        health.failed(records, e);
        Log.warnf(e, "Could not process a batch of %d records of %s, will retry", records.count(),
                records.partitions());
    }

    /**
     * Rejects invalid records here and applies the valid ones together, then publishes every record's outcome in
     * order: once the wallets are written, while the store writes the events' records.
     */
    private void apply(List<ConsumerRecord<String, byte[]>> sources) {
        Outcome[] outcomes = new Outcome[sources.size()];
        List<WalletEvent> events = new ArrayList<>(sources.size());
        List<Integer> positions = new ArrayList<>(sources.size());
        for (int i = 0; i < sources.size(); i++) {
            ConsumerRecord<String, byte[]> record = sources.get(i);
            try {
                events.add(parser.parse(record.key(), record.value()));
                positions.add(i);
            } catch (InvalidEventException e) {
                outcomes[i] = new Outcome.Rejected(e.eventId(), e.userId(), RejectionReason.INVALID_EVENT,
                        e.getMessage(), null);
            }
        }
        store.apply(events, applied -> {
            for (int i = 0; i < applied.size(); i++) {
                outcomes[positions.get(i)] = applied.get(i);
            }
            publisher.publish(List.of(outcomes), sources);
        });
    }
}

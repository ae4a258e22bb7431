package dev.wallet.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.MutinyEmitter;

import dev.wallet.Outcome;
import dev.wallet.config.WalletConfig;

/** Publishes an outcome, keyed by userId, and returns only once Kafka has acknowledged it. */
@ApplicationScoped
public class OutcomePublisher {

    private final MutinyEmitter<BalanceRecord> balances;
    private final MutinyEmitter<RejectionRecord> rejections;
    private final int maxPayloadBytes;

    public OutcomePublisher(@Channel(Channels.BALANCES) MutinyEmitter<BalanceRecord> balances,
            @Channel(Channels.REJECTIONS) MutinyEmitter<RejectionRecord> rejections, WalletConfig config) {
        this.balances = balances;
        this.rejections = rejections;
        this.maxPayloadBytes = config.rejection().maxPayloadBytes();
    }

    public void publish(Outcome outcome, ConsumerRecord<String, byte[]> source) {
        if (outcome instanceof Outcome.Applied applied) {
            balances.sendMessageAndAwait(keyed(applied.userId(), BalanceRecord.of(applied)));
        } else if (outcome instanceof Outcome.Rejected rejected) {
            rejections.sendMessageAndAwait(keyed(rejected.userId(), RejectionRecord.of(rejected, source,
                    maxPayloadBytes)));
        }
    }

    private static <T> Message<T> keyed(String userId, T value) {
        Message<T> message = Message.of(value);
        return userId == null ? message
                : message.addMetadata(OutgoingKafkaRecordMetadata.<String> builder().withKey(userId).build());
    }
}

package dev.wallet.messaging;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

import dev.wallet.Outcome;
import dev.wallet.config.WalletConfig;

import static org.eclipse.microprofile.reactive.messaging.OnOverflow.Strategy.UNBOUNDED_BUFFER;

/**
 * Publishes outcomes keyed by userId, all of a batch in flight at once and in order (so each user's outputs
 * keep the order of its events), and returns only once Kafka has acknowledged every one.
 */
@ApplicationScoped
public class OutcomePublisher {

    private final MutinyEmitter<BalanceRecord> balances;
    private final MutinyEmitter<RejectionRecord> rejections;
    private final int maxPayloadBytes;

    // A batch's outputs are queued at once; the batch size (max.poll.records) per consumer bounds the buffer.
    public OutcomePublisher(
            @Channel(Channels.BALANCES) @OnOverflow(UNBOUNDED_BUFFER) MutinyEmitter<BalanceRecord> balances,
            @Channel(Channels.REJECTIONS) @OnOverflow(UNBOUNDED_BUFFER) MutinyEmitter<RejectionRecord> rejections,
            WalletConfig config) {
        this.balances = balances;
        this.rejections = rejections;
        this.maxPayloadBytes = config.rejection().maxPayloadBytes();
    }

    /** {@code outcomes.get(i)} is the outcome of {@code sources.get(i)}. */
    public void publish(List<Outcome> outcomes, List<ConsumerRecord<String, byte[]>> sources) {
        List<Uni<Void>> sends = new ArrayList<>(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
            sends.add(send(outcomes.get(i), sources.get(i)));
        }
        // Joined in list order: each send is handed to the Kafka producer in the order of the events.
        Uni.join().all(sends).andFailFast().await().indefinitely();
    }

    private Uni<Void> send(Outcome outcome, ConsumerRecord<String, byte[]> source) {
        if (outcome instanceof Outcome.Applied applied) {
            return balances.sendMessage(keyed(applied.userId(), BalanceRecord.of(applied)));
        }
        Outcome.Rejected rejected = (Outcome.Rejected) outcome;
        return rejections.sendMessage(keyed(rejected.userId(), RejectionRecord.of(rejected, source,
                maxPayloadBytes)));
    }

    private static <T> Message<T> keyed(String userId, T value) {
        Message<T> message = Message.of(value);
        return userId == null ? message
                : message.addMetadata(OutgoingKafkaRecordMetadata.<String> builder().withKey(userId).build());
    }
}

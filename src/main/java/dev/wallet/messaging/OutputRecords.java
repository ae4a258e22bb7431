package dev.wallet.messaging;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.opentelemetry.api.trace.Span;
import io.quarkus.runtime.Startup;

import dev.wallet.Outcome;
import dev.wallet.config.WalletConfig;
import dev.wallet.tracing.WalletTracing;

/**
 * The output records of a batch's outcomes, in order, keyed by userId (so each user's keep the order of its events):
 * a balance per applied event, a rejection per rejected event or record, nothing for a producer's retry. Created at
 * startup, so that a cap on echoes that no rejection could carry fails the start.
 */
@ApplicationScoped
@Startup
public class OutputRecords {

    private static final int MAX_PAYLOAD_BYTES = 256 * 1024;

    private final ObjectMapper json;
    private final String balances;
    private final String rejections;
    private final int maxPayloadBytes;
    private final WalletTracing tracing;

    public OutputRecords(ObjectMapper json, WalletConfig config, WalletTracing tracing) {
        this.json = json;
        this.tracing = tracing;
        this.balances = config.output().balancesTopic();
        this.rejections = config.output().rejectionsTopic();
        this.maxPayloadBytes = config.rejection().maxPayloadBytes();
        if (maxPayloadBytes < 0 || maxPayloadBytes > MAX_PAYLOAD_BYTES) {
            // An echo takes up to a third more than its bytes (RejectionRecord): a rejection over the producer's
            // max.request.size (1 MB) would fail its batch's transaction on every try.
            throw new IllegalArgumentException("wallet.rejection.max-payload-bytes must be between 0 and "
                    + MAX_PAYLOAD_BYTES + ": " + maxPayloadBytes);
        }
    }

    /**
     * {@code outcomes.get(i)} is the outcome of {@code sources.get(i)}; each output carries on its source's trace
     * ({@code batch}: the batch's span).
     */
    public List<ProducerRecord<String, byte[]>> of(List<Outcome> outcomes,
            List<ConsumerRecord<String, byte[]>> sources, Span batch) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome outcome = outcomes.get(i);
            ProducerRecord<String, byte[]> record = null;
            if (outcome instanceof Outcome.Applied applied) {
                record = record(balances, applied.userId(), BalanceRecord.of(applied));
            } else if (outcome instanceof Outcome.Rejected rejected) {
                record = record(rejections, rejected.userId(),
                        RejectionRecord.of(rejected, sources.get(i), maxPayloadBytes));
            }
            // A Duplicate publishes nothing: its first record's outcome stands, published once from that record.
            if (record != null) {
                tracing.publish(record, sources.get(i), batch);
                records.add(record);
            }
        }
        return records;
    }

    private ProducerRecord<String, byte[]> record(String topic, String userId, Object value) {
        try {
            return new ProducerRecord<>(topic, userId, json.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write an output record as JSON", e);
        }
    }
}

package dev.wallet.messaging;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wallet.Outcome;
import dev.wallet.config.WalletConfig;

/**
 * The output records of a batch's outcomes, in order, keyed by userId (so each user's keep the order of its events):
 * a balance per applied event, a rejection per rejected event or record, nothing for a producer's retry.
 */
@ApplicationScoped
public class OutputRecords {

    private final ObjectMapper json;
    private final String balances;
    private final String rejections;
    private final int maxPayloadBytes;

    public OutputRecords(ObjectMapper json, WalletConfig config) {
        this.json = json;
        this.balances = config.output().balancesTopic();
        this.rejections = config.output().rejectionsTopic();
        this.maxPayloadBytes = config.rejection().maxPayloadBytes();
    }

    /** {@code outcomes.get(i)} is the outcome of {@code sources.get(i)}. */
    public List<ProducerRecord<String, byte[]>> of(List<Outcome> outcomes,
            List<ConsumerRecord<String, byte[]>> sources) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome outcome = outcomes.get(i);
            if (outcome instanceof Outcome.Applied applied) {
                records.add(record(balances, applied.userId(), BalanceRecord.of(applied)));
            } else if (outcome instanceof Outcome.Rejected rejected) {
                records.add(record(rejections, rejected.userId(),
                        RejectionRecord.of(rejected, sources.get(i), maxPayloadBytes)));
            }
            // A Duplicate publishes nothing: its first record's outcome stands, published once from that record.
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

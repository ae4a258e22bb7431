package dev.wallet.messaging;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;

/**
 * One consumer's outputs and consumed offsets, committed together in one Kafka transaction per batch, with the
 * consumer group generation the batch was polled in (KIP-447): a consumer that lost its partitions meanwhile (paused,
 * cut off, slow) cannot commit, and read_committed readers never see its outputs. Batches commit one at a time, in
 * the order they started ({@link Turn}).
 *
 * <h2>Failures</h2>
 * Any failure of a transaction closes the producer, so that no later transaction runs on a producer the broker
 * fenced or timed out; the next one starts a new producer with the same transactional.id, which completes a commit
 * the old one asked for and aborts anything else it left open. A commit whose answer never came is not tried again
 * if the group's committed offsets show it went through. A batch polled in an earlier generation than the
 * consumer's now is dropped: the rebalance (eager, see application.properties) reset the consumer to the committed
 * offsets, so its records come again.
 *
 * <h2>Why not SmallRye's KafkaTransactions</h2>
 * It commits the offsets of a message at a time and, in SmallRye Reactive Messaging 4.34, reuses a producer the
 * broker timed out; here several batches of a consumer run at once and must commit in order.
 */
final class OutputTransactions implements AutoCloseable {

    /** How many times a commit is sent, while its answer times out, before the producer is given up. */
    private static final int COMMIT_TRIES = 5;

    private final Map<String, Object> config;
    private final KafkaConsumer<String, byte[]> consumer;
    private final String transactionalId;
    private final Map<TopicPartition, Long> next = new HashMap<>();
    private int generation = -1;
    private Map<TopicPartition, OffsetAndMetadata> unanswered;
    private volatile KafkaProducer<String, byte[]> producer;
    private volatile boolean closed;

    OutputTransactions(Map<String, Object> kafka, String transactionalId, Duration timeout,
            KafkaConsumer<String, byte[]> consumer) {
        this.config = new HashMap<>(kafka);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // A batch's outputs are sent together anyway: waiting for more would only add latency.
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) timeout.toMillis());
        this.transactionalId = transactionalId;
        this.consumer = consumer;
    }

    /**
     * Sends {@code outputs} and commits {@code offsets} (the next offset to read, per partition) in one transaction;
     * {@code firsts} holds each partition's first offset in the batch. Returns false when the batch was polled in an
     * earlier generation and is dropped; throws when it should be tried again. The generation is checked once the
     * outputs are sent, just before the offsets: the broker checks it again when they are committed.
     */
    synchronized boolean commit(List<ProducerRecord<String, byte[]>> outputs,
            Map<TopicPartition, OffsetAndMetadata> offsets, Map<TopicPartition, Long> firsts, int polledIn) {
        try {
            KafkaProducer<String, byte[]> current = producer();
            boolean wentThrough = offsets.equals(unanswered) && committedAlready(offsets);
            unanswered = null;
            if (wentThrough) {
                Log.infof("The commit of %s whose answer never came went through: not sent again", offsets);
                follows(firsts, polledIn);
                advance(offsets);
                return true;
            }
            current.beginTransaction();
            outputs.forEach(current::send);
            ConsumerGroupMetadata group = consumer.consumerGroupMetadata().await().atMost(Duration.ofSeconds(30));
            if (group.generationId() != polledIn) {
                current.abortTransaction();
                Log.infof("A batch of %s polled in generation %d is dropped, the group is at %d: it comes again",
                        offsets.keySet(), polledIn, group.generationId());
                return false;
            }
            follows(firsts, polledIn);
            current.sendOffsetsToTransaction(offsets, group);
            commitTransaction(current, offsets);
        } catch (RuntimeException e) {
            closeProducer();
            throw e;
        }
        advance(offsets);
        Log.debugf("Committed %s from %s, %d outputs, in generation %d", offsets, firsts, outputs.size(), polledIn);
        return true;
    }

    /** Where the last commit left each partition, which the next batch must not start before ({@link #follows}). */
    private void advance(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> next.put(partition, offset.offset()));
    }

    /**
     * Checks that the batch starts no earlier than where the last commit left each partition, in this generation: its
     * outputs would be published twice. Later is fine: a read_committed consumer skips transaction markers and
     * aborted records, and compaction leaves gaps.
     */
    private void follows(Map<TopicPartition, Long> firsts, int polledIn) {
        if (polledIn != generation) {
            generation = polledIn;
            next.clear();
        }
        firsts.forEach((partition, first) -> {
            Long committed = next.get(partition);
            if (committed != null && first < committed) {
                // Never publish twice: nothing commits past this batch until the service is restarted.
                throw new IllegalStateException("A batch of " + partition + " starts at offset " + first
                        + ", before " + committed + " where the last commit ended");
            }
        });
    }

    /**
     * The commit of these offsets may have gone through without its answer: before it is tried again, a new producer
     * (initTransactions) completes or aborts it, and the group's committed offsets tell which.
     */
    synchronized void answerLost(Map<TopicPartition, OffsetAndMetadata> offsets) {
        unanswered = offsets;
    }

    private boolean committedAlready(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer
                .committed(offsets.keySet().toArray(TopicPartition[]::new)).await().atMost(Duration.ofSeconds(30));
        return offsets.entrySet().stream().allMatch(offset -> {
            OffsetAndMetadata done = committed.get(offset.getKey());
            return done != null && done.offset() >= offset.getValue().offset();
        });
    }

    // A commit whose answer timed out may be asked again: it then completes what the broker already did, once.
    private void commitTransaction(KafkaProducer<String, byte[]> producer,
            Map<TopicPartition, OffsetAndMetadata> offsets) {
        for (int attempt = 1;; attempt++) {
            try {
                producer.commitTransaction();
                return;
            } catch (TimeoutException e) {
                if (attempt == COMMIT_TRIES) {
                    answerLost(offsets);
                    throw e;
                }
            }
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        if (closed) {
            throw new IllegalStateException("Shutting down: no more transactions");
        }
        if (producer == null) {
            producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
            try {
                // Fences any earlier producer of this transactional.id, and aborts what it left open.
                producer.initTransactions();
            } catch (KafkaException e) {
                closeProducer();
                throw e;
            }
            Log.debugf("Transactional producer %s ready", transactionalId);
        }
        return producer;
    }

    private void closeProducer() {
        KafkaProducer<String, byte[]> current = producer;
        producer = null;
        if (current != null) {
            // Not waiting: an open transaction is aborted by the next producer of this id, or times out.
            current.close(Duration.ZERO);
        }
    }

    /** No more transactions; one in progress fails, and its batch is left for the partition's next owner. */
    @Override
    public void close() {
        closed = true;
        closeProducer();
    }
}

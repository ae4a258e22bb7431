package dev.wallet.messaging;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.smallrye.mutiny.Uni;

import dev.wallet.servers.KafkaBroker;
import dev.wallet.servers.LocalServers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A batch's outputs and offsets in one transaction, against a real broker: read_committed readers see the outputs of
 * committed transactions only, once each, and the group's offsets move with them. The consumer is a stand-in that
 * answers its group's generation and committed offsets; the broker fencing a member a real rebalance replaced is
 * the fault suite's paused-instance scenario.
 */
class OutputTransactionsTest {

    private static final TopicPartition INPUT = new TopicPartition("input", 0);
    private static LocalServers servers;

    private final String group = "group-" + UUID.randomUUID();
    private final String output = "output-" + UUID.randomUUID();
    /** What the consumer answers for its group: its generation, and how long the answer takes. */
    private final AtomicReference<Integer> generation = new AtomicReference<>(-1);
    private final AtomicReference<Duration> answerDelay = new AtomicReference<>(Duration.ZERO);

    @BeforeAll
    static void startKafka(@TempDir Path directory) {
        servers = LocalServers.start(directory);
        // Offsets are committed for partitions that exist only.
        servers.kafka().createTopics(List.of(INPUT.topic()));
    }

    @AfterAll
    static void stopKafka() {
        servers.close();
    }

    @Test
    void outputsAndOffsetsCommitTogether() {
        try (OutputTransactions transactions = transactions(Duration.ofSeconds(10))) {
            assertThat(transactions.commit(outputs("a", "b"), offsets(10), Map.of(INPUT, 0L), -1)).isTrue();
            assertThat(transactions.commit(outputs("c"), offsets(15), Map.of(INPUT, 10L), -1)).isTrue();
        }

        assertThat(readCommitted(3)).containsExactly("a", "b", "c");
        assertThat(committedOffset()).isEqualTo(15);
    }

    @Test
    void transactionTheBrokerTimedOutFailsAndTheNextAttemptCommitsOnANewProducer() {
        try (OutputTransactions transactions = transactions(Duration.ofSeconds(1))) {
            // The outputs are sent, then the transaction stays open past its timeout before the offsets go: the
            // broker aborts it and fences the producer (a new epoch), which can never commit again.
            answerDelay.set(Duration.ofSeconds(4));
            assertThatThrownBy(() -> transactions.commit(outputs("a", "b"), offsets(2), Map.of(INPUT, 0L), -1))
                    .isInstanceOf(ProducerFencedException.class);

            answerDelay.set(Duration.ZERO);
            assertThat(transactions.commit(outputs("a", "b"), offsets(2), Map.of(INPUT, 0L), -1)).isTrue();
        }

        assertThat(readCommitted(2)).containsExactly("a", "b");
        assertThat(committedOffset()).isEqualTo(2);
    }

    @Test
    void commitWhoseAnswerWasLostButThatWentThroughIsNotSentAgain() {
        String transactionalId = "test-" + UUID.randomUUID();
        try (OutputTransactions transactions = transactions(transactionalId)) {
            assertThat(transactions.commit(outputs("a", "b"), offsets(2), Map.of(INPUT, 0L), -1)).isTrue();
        }
        // As the consumer's next attempt finds it: nothing known committed, a new producer, the answer lost.
        try (OutputTransactions transactions = transactions(transactionalId)) {
            transactions.answerLost(offsets(2));
            assertThat(transactions.commit(outputs("a", "b"), offsets(2), Map.of(INPUT, 0L), -1)).isTrue();
        }

        assertThat(readCommitted(2)).containsExactly("a", "b");
        assertThat(committedOffset()).isEqualTo(2);
    }

    @Test
    void commitWhoseAnswerWasLostAndThatNeverWentThroughIsSentAgain() {
        try (OutputTransactions transactions = transactions(Duration.ofSeconds(10))) {
            assertThat(transactions.commit(outputs("a"), offsets(1), Map.of(INPUT, 0L), -1)).isTrue();
            transactions.answerLost(offsets(3));

            assertThat(transactions.commit(outputs("b", "c"), offsets(3), Map.of(INPUT, 1L), -1)).isTrue();
        }

        assertThat(readCommitted(3)).containsExactly("a", "b", "c");
        assertThat(committedOffset()).isEqualTo(3);
    }

    @Test
    void batchOfAnEarlierGenerationIsDroppedBeforeItsOutputsAndOffsetsGo() {
        try (OutputTransactions transactions = transactions(Duration.ofSeconds(10))) {
            generation.set(-2);
            assertThat(transactions.commit(outputs("stale"), offsets(5), Map.of(INPUT, 0L), -1)).isFalse();

            generation.set(-1);
            assertThat(transactions.commit(outputs("fresh"), offsets(5), Map.of(INPUT, 0L), -1)).isTrue();
        }

        assertThat(readCommitted(1)).containsExactly("fresh");
        assertThat(committedOffset()).isEqualTo(5);
    }

    @Test
    void batchStartingBeforeTheLastCommitEndedIsRefusedAndOneAfterAGapGoesThrough() {
        try (OutputTransactions transactions = transactions(Duration.ofSeconds(10))) {
            assertThat(transactions.commit(outputs("a"), offsets(3), Map.of(INPUT, 0L), -1)).isTrue();

            assertThatThrownBy(() -> transactions.commit(outputs("b"), offsets(9), Map.of(INPUT, 2L), -1))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("before 3");
            // An upstream transaction's marker, say, at offset 3.
            assertThat(transactions.commit(outputs("c"), offsets(9), Map.of(INPUT, 4L), -1)).isTrue();
        }

        assertThat(readCommitted(2)).containsExactly("a", "c");
        assertThat(committedOffset()).isEqualTo(9);
    }

    private OutputTransactions transactions(Duration timeout) {
        return new OutputTransactions(Map.of("bootstrap.servers", servers.kafka().bootstrapServers()),
                "test-" + UUID.randomUUID(), timeout, consumer());
    }

    private OutputTransactions transactions(String transactionalId) {
        return new OutputTransactions(Map.of("bootstrap.servers", servers.kafka().bootstrapServers()),
                transactionalId, Duration.ofSeconds(10), consumer());
    }

    // The connector's consumer, as far as a transaction asks it: which generation of its group it is in, and what
    // the group committed.
    @SuppressWarnings("unchecked")
    private io.smallrye.reactive.messaging.kafka.KafkaConsumer<String, byte[]> consumer() {
        return (io.smallrye.reactive.messaging.kafka.KafkaConsumer<String, byte[]>) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] { io.smallrye.reactive.messaging.kafka.KafkaConsumer.class },
                (proxy, method, args) -> {
                    if (method.getName().equals("committed")) {
                        Long offset = committedOffset();
                        return Uni.createFrom().item(offset == null ? Map.of()
                                : Map.of(INPUT, new OffsetAndMetadata(offset)));
                    }
                    if (!method.getName().equals("consumerGroupMetadata")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    ConsumerGroupMetadata metadata = new ConsumerGroupMetadata(group, generation.get(), "",
                            java.util.Optional.empty());
                    Duration delay = answerDelay.get();
                    return delay.isZero() ? Uni.createFrom().item(metadata)
                            : Uni.createFrom().item(metadata).onItem().delayIt().by(delay);
                });
    }

    private List<ProducerRecord<String, byte[]>> outputs(String... values) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (String value : values) {
            records.add(new ProducerRecord<>(output, "user", value.getBytes(StandardCharsets.UTF_8)));
        }
        return records;
    }

    private static Map<TopicPartition, OffsetAndMetadata> offsets(long next) {
        return Map.of(INPUT, new OffsetAndMetadata(next));
    }

    /** Reads the output topic as read_committed until {@code count} records came and a moment passed. */
    private List<String> readCommitted(int count) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(
                KafkaBroker.readCommittedFromStart(servers.kafka().bootstrapServers()), new StringDeserializer(),
                new StringDeserializer())) {
            reader.subscribe(List.of(output));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> record : reader.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
                return values.size() >= count;
            });
            // Anything more, a copy, would be read by now.
            for (ConsumerRecord<String, String> record : reader.poll(Duration.ofSeconds(1))) {
                values.add(record.value());
            }
        }
        return values;
    }

    /** The group's committed offset of the input, or null before its first commit. */
    private Long committedOffset() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                servers.kafka().bootstrapServers()))) {
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(INPUT);
            return committed == null ? null : committed.offset();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

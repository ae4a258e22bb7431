package dev.wallet;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import dev.wallet.messaging.Channels;
import dev.wallet.servers.DynamoDbLocal;
import dev.wallet.servers.KafkaBroker;
import dev.wallet.servers.LocalServersResource.Endpoints;

import static org.awaitility.Awaitility.await;

/**
 * What a producer and the teams downstream see: sends records to {@code wallet-events}, reads everything on the
 * output topics, and reads DynamoDB directly. It knows nothing of the service's classes but the channel names.
 */
final class WalletTestClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, String> consumer;
    private final Thread poller;
    private final List<ConsumerRecord<String, String>> balances = new CopyOnWriteArrayList<>();
    private final List<ConsumerRecord<String, String>> rejections = new CopyOnWriteArrayList<>();
    /** How far the reader got in each output partition, after its last poll. */
    private volatile Map<TopicPartition, Long> positions = Map.of();
    private final Admin admin;
    final DynamoDbClient dynamo;

    WalletTestClient(Endpoints endpoints) {
        Properties producerConfig = new Properties();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrapServers());
        producerConfig.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
        producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
        consumer = new KafkaConsumer<>(KafkaBroker.readCommittedFromStart(endpoints.kafkaBootstrapServers()),
                new StringDeserializer(), new StringDeserializer());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrapServers()));
        poller = new Thread(this::poll, "test-output-reader");
        poller.start();
        dynamo = DynamoDbLocal.client(endpoints.dynamoDbEndpoint());
    }

    private void poll() {
        try (consumer) {
            consumer.subscribe(List.of(Channels.BALANCES, Channels.REJECTIONS));
            while (true) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    (record.topic().equals(Channels.BALANCES) ? balances : rejections).add(record);
                }
                Map<TopicPartition, Long> read = new HashMap<>();
                consumer.assignment().forEach(partition -> read.put(partition, consumer.position(partition)));
                positions = read;
            }
        } catch (WakeupException closing) {
            // close() asked the loop to end.
        }
    }

    /** An event keyed by its user, as producers must send it. */
    static ProducerRecord<String, byte[]> record(String eventId, String userId, String type, String amount) {
        return new ProducerRecord<>(Channels.EVENTS, userId,
                EventJson.of(eventId, userId, type, amount).getBytes(StandardCharsets.UTF_8));
    }

    /** Sends an event keyed by its user and waits for the broker's acknowledgement. */
    void send(String eventId, String userId, String type, String amount) {
        send(record(eventId, userId, type, amount));
    }

    /** Sends the records at once, as a busy producer does, and waits until the broker acknowledged them all. */
    void sendAll(List<ProducerRecord<String, byte[]>> records) {
        List<Future<RecordMetadata>> sent = records.stream().map(producer::send).toList();
        producer.flush();
        sent.forEach(WalletTestClient::acknowledged);
    }

    RecordMetadata send(String key, byte[] value) {
        return send(new ProducerRecord<>(Channels.EVENTS, key, value));
    }

    RecordMetadata send(ProducerRecord<String, byte[]> record) {
        return acknowledged(producer.send(record));
    }

    private static RecordMetadata acknowledged(Future<RecordMetadata> sent) {
        try {
            return sent.get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits until this reader got every output committed by now: an output it has not read then was not published
     * before, so a test can tell "published once" from "the copy is not read yet".
     */
    void awaitCaughtUp() {
        Map<TopicPartition, Long> committed = lastStableOffsets();
        await("reader caught up with " + committed).atMost(Duration.ofSeconds(30)).until(() -> {
            Map<TopicPartition, Long> read = positions;
            return committed.entrySet().stream().allMatch(end -> read.getOrDefault(end.getKey(), 0L) >= end.getValue());
        });
    }

    private Map<TopicPartition, Long> lastStableOffsets() {
        try {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(Channels.BALANCES, Channels.REJECTIONS)).allTopicNames().get()
                    .forEach((topic, description) -> description.partitions().forEach(
                            partition -> latest.put(new TopicPartition(topic, partition.partition()),
                                    OffsetSpec.latest())));
            Map<TopicPartition, Long> offsets = new HashMap<>();
            // For read_committed, the latest offset is the last stable one: before any open transaction.
            admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get()
                    .forEach((partition, info) -> offsets.put(partition, info.offset()));
            return offsets;
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Values of the balance records of this user, in the order published. */
    List<JsonNode> balancesOf(String userId) {
        return balances.stream().filter(r -> userId.equals(r.key())).map(r -> json(r.value())).toList();
    }

    /** Values of the rejections of this eventId, in the order published. */
    List<JsonNode> rejectionsOf(String eventId) {
        return rejections.stream().map(r -> json(r.value())).filter(r -> eventId.equals(r.path("eventId").asText()))
                .toList();
    }

    /** The balance records of this user, headers included, in the order published. */
    List<ConsumerRecord<String, String>> balanceRecordsOf(String userId) {
        return balances.stream().filter(r -> userId.equals(r.key())).toList();
    }

    List<ConsumerRecord<String, String>> rejectionRecords() {
        return List.copyOf(rejections);
    }

    /** The rejection of the record sent at that position, if published yet. */
    Optional<JsonNode> rejectionOf(RecordMetadata sent) {
        return rejections.stream().map(r -> json(r.value()))
                .filter(r -> r.path("source").path("partition").asInt(-1) == sent.partition()
                        && r.path("source").path("offset").asLong(-1) == sent.offset())
                .findFirst();
    }

    Map<String, AttributeValue> walletItem(String userId) {
        return DynamoDbLocal.walletItem(dynamo, userId);
    }

    /** The events table's record of this eventId; empty until it is written. */
    Map<String, AttributeValue> eventRecord(String eventId) {
        return DynamoDbLocal.eventRecord(dynamo, eventId);
    }

    static JsonNode json(String value) {
        try {
            return JSON.readTree(value);
        } catch (JsonProcessingException e) {
            throw new AssertionError("Not JSON: " + value, e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        poller.join();
        producer.close();
        admin.close();
        dynamo.close();
    }
}

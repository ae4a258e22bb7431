package dev.wallet;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
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
import dev.wallet.servers.LocalServersResource.Endpoints;

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
    final DynamoDbClient dynamo;

    WalletTestClient(Endpoints endpoints) {
        Properties producerConfig = new Properties();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrapServers());
        producerConfig.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
        producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
        Properties consumerConfig = new Properties();
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrapServers());
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // As the contract asks of readers: outputs of aborted transactions are never seen.
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer());
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
            }
        } catch (WakeupException closing) {
            // close() asked the loop to end.
        }
    }

    static String event(String eventId, String userId, String type, String amount) {
        return "{\"eventId\":\"%s\",\"userId\":\"%s\",\"type\":\"%s\",\"amount\":\"%s\"}"
                .formatted(eventId, userId, type, amount);
    }

    /** Sends an event keyed by its user, as producers must, and waits for the broker's acknowledgement. */
    void send(String eventId, String userId, String type, String amount) {
        send(userId, event(eventId, userId, type, amount).getBytes(StandardCharsets.UTF_8));
    }

    RecordMetadata send(String key, byte[] value) {
        return send(new ProducerRecord<>(Channels.EVENTS, key, value));
    }

    RecordMetadata send(ProducerRecord<String, byte[]> record) {
        try {
            return producer.send(record).get();
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
        return dynamo.getItem(r -> r.tableName("wallet").key(Map.of("user_id", AttributeValue.fromS(userId)))
                .consistentRead(true)).item();
    }

    /** The events table's record of this eventId; empty until it is written. */
    Map<String, AttributeValue> eventRecord(String eventId) {
        return dynamo.getItem(r -> r.tableName("wallet-events-processed")
                .key(Map.of("event_id", AttributeValue.fromS(eventId))).consistentRead(true)).item();
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
        dynamo.close();
    }
}

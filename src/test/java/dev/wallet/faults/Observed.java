package dev.wallet.faults;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Everything the service published, read as any downstream team would, and the wallet table as DynamoDB holds it. */
final class Observed implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Balance records by (userId, version), redeliveries included. */
    final Map<String, List<JsonNode>> balances = new ConcurrentHashMap<>();
    /** The last balance record read per user. */
    final Map<String, JsonNode> lastBalance = new ConcurrentHashMap<>();
    /** Each user's versions in the order their records were read, copies included. */
    final Map<String, List<Long>> versions = new ConcurrentHashMap<>();
    /** Rejections by the input position they name. */
    final Map<Expected.Position, List<JsonNode>> rejections = new ConcurrentHashMap<>();
    final List<String> unreadable = new CopyOnWriteArrayList<>();
    final AtomicLong records = new AtomicLong();

    private final KafkaConsumer<String, String> consumer;
    /** The next offset to read per partition; only the reader thread uses it. */
    private final Map<TopicPartition, Long> next = new HashMap<>();
    private final Thread reader;

    Observed(String bootstrapServers) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "checker-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Its positions are its own (next), never a group's committed offsets: after a broker restart its session
        // may expire, and a rejoin would re-read from the last auto-commit, counting copies the service never made.
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
        reader = new Thread(this::read, "checker-reader");
        reader.start();
    }

    private void read() {
        try (consumer) {
            consumer.subscribe(List.of("wallet-balances", "wallet-events-rejected"), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    partitions.stream().filter(next::containsKey).forEach(p -> consumer.seek(p, next.get(p)));
                }

                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    // Nothing to commit: the positions stay in next.
                }
            });
            while (true) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    add(record);
                    next.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
                }
            }
        } catch (WakeupException closing) {
            // close() ends the loop.
        }
    }

    private void add(ConsumerRecord<String, String> record) {
        JsonNode value;
        try {
            value = JSON.readTree(record.value());
        } catch (JsonProcessingException e) {
            unreadable.add(record.topic() + ": " + record.value());
            return;
        }
        if (record.topic().equals("wallet-balances")) {
            String userId = value.path("userId").asText();
            long version = value.path("version").asLong();
            balances.computeIfAbsent(Expected.key(userId, version), k -> new CopyOnWriteArrayList<>()).add(value);
            versions.computeIfAbsent(userId, u -> new CopyOnWriteArrayList<>()).add(version);
            lastBalance.put(userId, value);
        } else {
            JsonNode source = value.path("source");
            rejections.computeIfAbsent(new Expected.Position(source.path("partition").asInt(),
                    source.path("offset").asLong()), k -> new CopyOnWriteArrayList<>()).add(value);
        }
        records.incrementAndGet();
    }

    /** Whether every expected output has been read (more may still come, if the service published copies). */
    boolean covers(Expected expected) {
        return balances.keySet().containsAll(expected.balances.keySet())
                && rejections.keySet().containsAll(expected.rejections.keySet());
    }

    static Map<String, Expected.Wallet> scanWallets(DynamoDbClient dynamo) {
        Map<String, Expected.Wallet> wallets = new HashMap<>();
        dynamo.scanPaginator(r -> r.tableName("wallet").consistentRead(true)).items().forEach(item -> wallets.put(
                item.get("user_id").s(), new Expected.Wallet(number(item, "balance"),
                        number(item, "version").longValueExact())));
        return wallets;
    }

    private static BigDecimal number(Map<String, AttributeValue> item, String name) {
        return item.containsKey(name) ? new BigDecimal(item.get(name).n()) : BigDecimal.ZERO;
    }

    List<String> unreadableRecords() {
        return new ArrayList<>(unreadable);
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        reader.join();
    }
}

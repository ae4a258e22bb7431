package dev.wallet.bench;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The classic DynamoDB wallet example, fed from the same topic: per event, GetItem the wallet, then PutItem the
 * new balance, one event at a time. No idempotency, no outputs: the cheapest naive loop there is.
 */
final class NaiveWallet {

    private static final ObjectMapper JSON = new ObjectMapper();

    private NaiveWallet() {
    }

    /** Events per second over the first {@code limit} events of the topic, or as many as come in {@code window}. */
    static double eventsPerSecond(String bootstrapServers, String topic, DynamoDbClient dynamo, String table,
            int limit, Duration window) throws Exception {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "naive-" + topic);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        int done = 0;
        long start = 0;
        long deadline = System.nanoTime() + window.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (done < limit && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (start == 0) {
                        start = System.nanoTime();
                    }
                    apply(dynamo, table, JSON.readTree(record.value()));
                    if (++done == limit || System.nanoTime() >= deadline) {
                        break;
                    }
                }
            }
        }
        return done / ((System.nanoTime() - start) / 1e9);
    }

    private static void apply(DynamoDbClient dynamo, String table, JsonNode event) {
        Map<String, AttributeValue> key = Map.of("user_id", AttributeValue.fromS(event.get("userId").asText()));
        Map<String, AttributeValue> wallet = dynamo.getItem(r -> r.tableName(table).key(key)).item();
        BigDecimal balance = wallet.isEmpty() ? BigDecimal.ZERO : new BigDecimal(wallet.get("balance").n());
        BigDecimal amount = new BigDecimal(event.get("amount").asText());
        BigDecimal after = "CREDIT".equals(event.get("type").asText()) ? balance.add(amount) : balance.subtract(amount);
        if (after.signum() >= 0) {
            dynamo.putItem(r -> r.tableName(table).item(Map.of("user_id", key.get("user_id"),
                    "balance", AttributeValue.fromN(after.toPlainString()))));
        }
    }
}

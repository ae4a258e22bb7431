package dev.wallet.faults;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import dev.wallet.servers.DynamoDbLocal;

/** Everything the service published, as {@link OutputReader} read it, and the wallet table as DynamoDB holds it. */
final class Observed {

    /** The output topics, as the contract names them. */
    static final String BALANCES = "wallet-balances";
    static final String REJECTIONS = "wallet-events-rejected";

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
    /** Records whose key is not the userId they carry: a reader keeping the last record per key would be wrong. */
    final List<String> wrongKeys = new CopyOnWriteArrayList<>();
    /** Wallet items without a balance or a version: every one here is the service's, so its bug, not a zero. */
    final List<String> incompleteWallets = new ArrayList<>();
    final AtomicLong records = new AtomicLong();

    /** One output record, as read from {@code topic}. */
    void add(String topic, String key, String record) {
        JsonNode value;
        try {
            value = JSON.readTree(record);
        } catch (JsonProcessingException e) {
            unreadable.add(topic + ": " + record);
            return;
        }
        // Keyed by the userId, or without a key when the rejection knows none.
        if (!Objects.equals(key, value.path("userId").textValue())) {
            wrongKeys.add(topic + " record keyed " + key + ": " + record);
        }
        if (topic.equals(BALANCES)) {
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

    /** The wallet table, read once the services stopped; an incomplete item is left out, and noted. */
    Map<String, Expected.Wallet> scanWallets(DynamoDbClient dynamo) {
        Map<String, Expected.Wallet> wallets = new HashMap<>();
        dynamo.scanPaginator(r -> r.tableName(DynamoDbLocal.WALLET_TABLE).consistentRead(true)).items()
                .forEach(item -> {
                    if (item.containsKey("balance") && item.containsKey("version")) {
                        wallets.put(item.get("user_id").s(), new Expected.Wallet(number(item, "balance"),
                                number(item, "version").longValueExact()));
                    } else {
                        incompleteWallets.add(item.toString());
                    }
                });
        return wallets;
    }

    private static BigDecimal number(Map<String, AttributeValue> item, String name) {
        return new BigDecimal(item.get(name).n());
    }

    List<String> unreadableRecords() {
        return new ArrayList<>(unreadable);
    }
}

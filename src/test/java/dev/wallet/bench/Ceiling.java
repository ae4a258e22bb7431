package dev.wallet.bench;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * What DynamoDB itself can do: conditional UpdateItem calls per second, of the same shape as a wallet debit
 * (a version check and a balance check), from {@code threads} threads, each on its own users. No Kafka.
 */
final class Ceiling {

    private Ceiling() {
    }

    /** Warm-up before counting: connections, and the JIT of DynamoDB Local as much as of this client. */
    private static final Duration WARM_UP = Duration.ofSeconds(10);

    static double updatesPerSecond(DynamoDbClient dynamo, String table, int threads, int users, Duration window)
            throws Exception {
        // Every thread updates until the same deadline and counts only the updates it completes after the
        // warm-up: the figure is those updates over the window.
        long counting = System.nanoTime() + WARM_UP.toNanos();
        long deadline = counting + window.toNanos();
        String run = "ceiling-" + System.nanoTime() + "-";
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Long>> counts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                counts.add(executor.submit(() -> update(dynamo, table, run, thread, threads, users, counting,
                        deadline)));
            }
            long total = 0;
            for (Future<Long> count : counts) {
                total += count.get();
            }
            return total / (window.toNanos() / 1e9);
        } finally {
            executor.shutdownNow();
        }
    }

    private static long update(DynamoDbClient dynamo, String table, String run, int thread, int threads,
            int users, long counting, long deadline) {
        Map<String, Long> versions = new HashMap<>();
        long count = 0;
        int own = Math.max(1, users / threads);
        for (long i = 0; System.nanoTime() < deadline; i++) {
            String user = run + thread + "-" + (i % own);
            long version = versions.getOrDefault(user, 0L);
            Map<String, AttributeValue> values = new HashMap<>(Map.of(
                    ":balance", AttributeValue.fromN(BigDecimal.valueOf(version * 100 + 100, 2).toPlainString()),
                    ":version", AttributeValue.fromN(Long.toString(version + 1)),
                    ":amount", AttributeValue.fromN("0")));
            String condition = "attribute_not_exists(#version)";
            if (version > 0) {
                condition = "#version = :expected AND #balance >= :amount";
                values.put(":expected", AttributeValue.fromN(Long.toString(version)));
            } else {
                values.remove(":amount");
            }
            String finalCondition = condition;
            try {
                dynamo.updateItem(r -> r.tableName(table).key(Map.of("user_id", AttributeValue.fromS(user)))
                        .updateExpression("SET #balance = :balance, #version = :version")
                        .conditionExpression(finalCondition)
                        .expressionAttributeNames(Map.of("#balance", "balance", "#version", "version"))
                        .expressionAttributeValues(values));
                versions.put(user, version + 1);
            } catch (ConditionalCheckFailedException e) {
                throw new IllegalStateException("Each thread owns its users: nobody else writes them", e);
            }
            long now = System.nanoTime();
            if (now >= counting && now < deadline) {
                count++;
            }
        }
        return count;
    }
}

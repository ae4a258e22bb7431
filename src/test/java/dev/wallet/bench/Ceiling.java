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
import java.util.concurrent.atomic.AtomicBoolean;

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

    static double updatesPerSecond(DynamoDbClient dynamo, String table, int threads, int users, Duration window)
            throws Exception {
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            return measure(executor, dynamo, table, threads, users, window, measuring, done);
        } finally {
            done.set(true);
            executor.shutdownNow();
        }
    }

    private static double measure(ExecutorService executor, DynamoDbClient dynamo, String table, int threads,
            int users, Duration window, AtomicBoolean measuring, AtomicBoolean done) throws Exception {
        List<Future<Long>> counts = new ArrayList<>();
        String run = "ceiling-" + System.nanoTime() + "-";
        for (int t = 0; t < threads; t++) {
            int thread = t;
            counts.add(executor.submit(() -> update(dynamo, table, run, thread, threads, users, measuring, done)));
        }
        Thread.sleep(10_000); // warm-up: connections, and the JIT of DynamoDB Local as much as of this client
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep(window.toMillis());
        done.set(true);
        double seconds = (System.nanoTime() - start) / 1e9;
        long total = 0;
        for (Future<Long> count : counts) {
            total += count.get();
        }
        return total / seconds;
    }

    private static long update(DynamoDbClient dynamo, String table, String run, int thread, int threads,
            int users, AtomicBoolean measuring, AtomicBoolean done) {
        Map<String, Long> versions = new HashMap<>();
        long count = 0;
        int own = Math.max(1, users / threads);
        for (long i = 0; !done.get(); i++) {
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
            if (measuring.get()) {
                count++;
            }
        }
        return count;
    }
}

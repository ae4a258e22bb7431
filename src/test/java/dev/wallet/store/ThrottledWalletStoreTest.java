package dev.wallet.store;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchExecuteStatementRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;

import dev.wallet.EventType;
import dev.wallet.Outcome;
import dev.wallet.WalletEvent;
import dev.wallet.config.WalletConfig;
import dev.wallet.servers.DynamoDbLocal;

import static dev.wallet.store.Stores.applied;
import static dev.wallet.store.Stores.applying;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Batches against a DynamoDB Local that throttles part of each batch request ({@link Throttling}), as DynamoDB does
 * when a partition is over its limits: what is left unprocessed is sent again, and a batch that stays throttled
 * fails and is retried, as the consumer retries it, without deciding or writing anything twice.
 */
class ThrottledWalletStoreTest {

    private static final Throttling throttling = new Throttling();

    private static DynamoDbLocal server;
    private static DynamoDbClient dynamo;
    private static WalletConfig config;
    private static WalletRequests requests;
    private static StoreWorkers workers;
    private static SimpleMeterRegistry registry;

    private final String prefix = "user-" + UUID.randomUUID() + "-";

    @BeforeAll
    static void startDynamoDb(@TempDir Path directory) {
        server = DynamoDbLocal.start(directory);
        dynamo = DynamoDbLocal.client(server.endpoint(), throttling);
        config = TestConfigs.wallet(Map.of());
        requests = new WalletRequests(config);
        new WalletTables(dynamo, requests, config).onStart(null);
        workers = new StoreWorkers(config);
    }

    @AfterAll
    static void stopDynamoDb() {
        workers.stop();
        dynamo.close();
        server.stop();
    }

    @BeforeEach
    void noThrottling() {
        throttling.off();
        registry = new SimpleMeterRegistry();
    }

    /** The service, started: its own metrics and cache. */
    private static WalletStore newInstance() {
        return Stores.instance(dynamo, requests, workers, registry, config);
    }

    @Test
    void keysRecordsAndWalletWritesLeftUnprocessedAreSentAgainUntilEachEventIsDecidedOnceInOrder() {
        Map<String, List<WalletEvent>> streams = streams(40, 15, new Random(3));
        List<List<WalletEvent>> batches = batches(interleaved(streams, new Random(5)), new Random(7));
        WalletStore instance = newInstance();
        throttling.atRandom(0.3, 11);

        List<Outcome> published = new ArrayList<>();
        for (List<WalletEvent> batch : batches) {
            Stores.Applying applying = retried(() -> applying(instance, batch));
            retried(() -> applying.written().join());
            published.addAll(applying.outcomes());
        }

        assertThat(throttling.keys).as("keys throttled").hasPositiveValue();
        assertThat(throttling.items).as("records throttled").hasPositiveValue();
        assertThat(throttling.statements).as("wallet writes throttled").hasPositiveValue();
        assertOnceInOrder(streams, published);
        throttling.off();
        // Every record written as published: the same batches redelivered get the same outcomes, and write nothing.
        WalletStore restarted = newInstance();
        double walletWrites = walletWrites();
        assertThat(batches.stream().flatMap(batch -> applied(restarted, batch).stream()).toList())
                .usingRecursiveComparison().isEqualTo(published);
        assertThat(walletWrites()).isEqualTo(walletWrites);
    }

    @Test
    void batchWhoseWalletWritesStayThrottledFailsAndItsRetryWritesEachWalletOnce() {
        Map<String, List<WalletEvent>> streams = streams(40, 2, new Random(13));
        List<WalletEvent> batch = streams.values().stream().flatMap(List::stream).toList();
        WalletStore instance = newInstance();
        throttling.usersAmong(BatchExecuteStatementRequest.class, lastUsers(streams, 10));

        // 10 statements throttled in 2 requests of at most 25, and one let through per try after the first: at
        // least 5 in one request, of which 4 get through.
        assertThatThrownBy(() -> applying(instance, batch))
                .hasMessageContaining("wallet writes unprocessed 5 times");
        assertThat(walletWrites()).isBetween(34.0, 38.0);
        throttling.off();
        List<Outcome> outcomes = applied(instance, batch);

        assertThat(walletWrites()).as("each of 40 wallets written once").isEqualTo(40);
        assertOnceInOrder(streams, outcomes);
    }

    @Test
    void recordsThatStayThrottledFailTheirWriteUntilItIsRetried() {
        Map<String, List<WalletEvent>> streams = streams(40, 2, new Random(17));
        List<WalletEvent> batch = streams.values().stream().flatMap(List::stream).toList();
        WalletStore instance = newInstance();
        // 20 records throttled, in 4 requests of at most 25: at least 5 in one of them, which one try each lets
        // through 4 of.
        throttling.usersAmong(BatchWriteItemRequest.class, lastUsers(streams, 10));

        Stores.Applying applying = applying(instance, batch);

        assertThatThrownBy(() -> applying.written().join()).isInstanceOf(CompletionException.class)
                .hasMessageContaining("records unprocessed 5 times");
        assertThat(batch).as("records missing after the failed write")
                .anyMatch(event -> Stores.record(dynamo, event).isEmpty());
        throttling.off();
        applying.written().join();

        assertThat(batch).allSatisfy(event -> assertThat(Stores.record(dynamo, event)).as(event.eventId()).isNotEmpty());
        assertOnceInOrder(streams, applying.outcomes());
        assertThat(applied(newInstance(), batch)).usingRecursiveComparison().isEqualTo(applying.outcomes());
    }

    /** Each user's credits and debits, in order, from a credit: every user's first batch writes its wallet. */
    private Map<String, List<WalletEvent>> streams(int users, int eventsEach, Random random) {
        Map<String, List<WalletEvent>> streams = new LinkedHashMap<>();
        for (int user = 0; user < users; user++) {
            String userId = prefix + user;
            streams.put(userId, IntStream.range(0, eventsEach).mapToObj(i -> new WalletEvent(
                    UUID.randomUUID().toString(), userId,
                    i == 0 || random.nextBoolean() ? EventType.CREDIT : EventType.DEBIT,
                    BigDecimal.valueOf(1 + random.nextInt(20)), Instant.now())).toList());
        }
        return streams;
    }

    /** The streams merged in a random order that keeps each user's. */
    private static List<WalletEvent> interleaved(Map<String, List<WalletEvent>> streams, Random random) {
        List<String> turns = new ArrayList<>();
        streams.forEach((userId, stream) -> stream.forEach(event -> turns.add(userId)));
        Collections.shuffle(turns, random);
        Map<String, Integer> next = new LinkedHashMap<>();
        return turns.stream().map(userId -> streams.get(userId).get(next.merge(userId, 1, Integer::sum) - 1))
                .toList();
    }

    /** Cut into batches of 30 to 90, as polls would. */
    private static List<List<WalletEvent>> batches(List<WalletEvent> events, Random random) {
        List<List<WalletEvent>> batches = new ArrayList<>();
        for (int from = 0; from < events.size();) {
            int to = Math.min(events.size(), from + 30 + random.nextInt(61));
            batches.add(events.subList(from, to));
            from = to;
        }
        return batches;
    }

    private static Set<String> lastUsers(Map<String, List<WalletEvent>> streams, int count) {
        return streams.keySet().stream().skip(streams.size() - count).collect(Collectors.toSet());
    }

    /** As the consumer does: a failed batch, or a failed write of its records, is tried again until it succeeds. */
    private static <T> T retried(Supplier<T> attempt) {
        for (int failures = 0;; failures++) {
            try {
                return attempt.get();
            } catch (RuntimeException e) {
                assertThat(failures).as("failures in a row, the last: %s", e).isLessThan(20);
            }
        }
    }

    /** Each user's outcomes, in the order published, are its stream's applied once in order, and so is its wallet. */
    private static void assertOnceInOrder(Map<String, List<WalletEvent>> streams, List<Outcome> published) {
        Map<String, List<String>> effects = new LinkedHashMap<>();
        published.forEach(outcome -> effects.computeIfAbsent(outcome.userId(), user -> new ArrayList<>())
                .add(OnceInOrder.effect(outcome)));
        streams.forEach((userId, stream) -> {
            List<Outcome> once = OnceInOrder.outcomes(stream);
            assertThat(effects.get(userId)).as(userId)
                    .containsExactlyElementsOf(once.stream().map(OnceInOrder::effect).toList());
            Stores.assertWalletAfter(dynamo, userId, once, userId);
        });
    }

    private static double walletWrites() {
        return Stores.walletWrites(registry);
    }
}

package dev.wallet.store;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import dev.wallet.Outcome;
import dev.wallet.WalletEvent;
import dev.wallet.config.WalletConfig;
import dev.wallet.servers.DynamoDbLocal;

import static org.assertj.core.api.Assertions.assertThat;

/** The store as the service assembles it, and what the store tests read back from DynamoDB. */
final class Stores {

    /** A batch being applied: the outcomes the service would publish, and the write of their records. */
    record Applying(List<Outcome> outcomes, Recording recording) {

        CompletableFuture<Void> written() {
            return recording.write().toCompletableFuture();
        }
    }

    private Stores() {
    }

    /** An instance of the service, or one restarted: its own cache, empty, and its metrics in {@code registry}. */
    static WalletStore instance(DynamoDbClient dynamo, WalletRequests requests, StoreWorkers workers,
            MeterRegistry registry, WalletConfig config) {
        StoreMetrics metrics = new StoreMetrics(registry);
        WalletCache cache = new WalletCache(config, new SimpleMeterRegistry());
        return new WalletStore(new WalletReads(dynamo, requests, workers, metrics, cache),
                new WalletWrites(dynamo, requests, workers, metrics, cache), workers, cache, config);
    }

    /** Applies them as the service does, up to where it publishes their outcomes: their records still being written. */
    static Applying applying(WalletStore instance, List<WalletEvent> batch) {
        AtomicReference<List<Outcome>> published = new AtomicReference<>();
        Recording recording = instance.apply(batch, published::set);
        return new Applying(published.get(), recording);
    }

    /** Applies them as the service does, and returns their outcomes once their records are written. */
    static List<Outcome> applied(WalletStore instance, List<WalletEvent> batch) {
        Applying applying = applying(instance, batch);
        applying.written().join();
        return applying.outcomes();
    }

    static Map<String, AttributeValue> record(DynamoDbClient dynamo, WalletEvent event) {
        return DynamoDbLocal.eventRecord(dynamo, event.eventId());
    }

    static Map<String, AttributeValue> wallet(DynamoDbClient dynamo, String userId) {
        return DynamoDbLocal.walletItem(dynamo, userId);
    }

    /** The user's wallet holds the balance and version of the last event applied of {@code once}. */
    static void assertWalletAfter(DynamoDbClient dynamo, String userId, List<Outcome> once, String description) {
        Outcome.Applied last = once.stream().filter(Outcome.Applied.class::isInstance)
                .map(Outcome.Applied.class::cast).reduce((first, second) -> second).orElseThrow();
        Map<String, AttributeValue> wallet = wallet(dynamo, userId);
        assertThat(new BigDecimal(wallet.get("balance").n())).as(description).isEqualByComparingTo(last.balance());
        assertThat(wallet.get("version").n()).as(description).isEqualTo(Long.toString(last.version()));
    }

    static double walletWrites(MeterRegistry registry) {
        return registry.find("wallet.dynamodb.wallet.writes").counters().stream().mapToDouble(c -> c.count()).sum();
    }
}

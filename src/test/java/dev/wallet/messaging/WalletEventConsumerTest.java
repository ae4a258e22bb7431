package dev.wallet.messaging;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

import dev.wallet.config.WalletConfig;
import dev.wallet.store.TestConfigs;
import dev.wallet.store.WalletStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the consumer refuses to start with, rather than stalling later, and how it tells that it stalled. */
class WalletEventConsumerTest {

    private static final Optional<List<String>> EAGER = Optional.of(List.of(RangeAssignor.class.getName()));

    @Test
    void batchesLargerThanOneWalletItemCanKeepFailTheStart() {
        WalletConfig config = config(Map.of());
        int allowed = WalletStore.maxEventsPerUser(2);

        assertThatCode(
                () -> new WalletEventConsumer(null, null, null, null, null, null, null, Map.of(), "group", allowed, EAGER,
                        config))
                .doesNotThrowAnyException();
        assertThatThrownBy(
                () -> new WalletEventConsumer(null, null, null, null, null, null, null, Map.of(), "group", allowed + 1, EAGER,
                        config))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most " + allowed);
        // More fraction digits make longer lines, so fewer fit.
        assertThatThrownBy(
                () -> new WalletEventConsumer(null, null, null, null, null, null, null, Map.of(), "group", allowed, EAGER,
                        config(Map.of("wallet.amount.max-scale", "20"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most " + WalletStore.maxEventsPerUser(20));
    }

    @Test
    void noBatchInFlightFailsTheStart() {
        assertThatThrownBy(
                () -> new WalletEventConsumer(null, null, null, null, null, null, null, Map.of(), "group", 500, EAGER,
                        config(Map.of("wallet.consumer.batches-in-flight", "0"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batches-in-flight");
    }

    @Test
    void eventIdRetentionShorterThanADayFailsTheStart() {
        assertThatCode(() -> new WalletEventConsumer(null, null, null, null, null, null, null, Map.of(), "group", 500,
                EAGER, config(Map.of("wallet.idempotency.retention", "P1D")))).doesNotThrowAnyException();
        assertThatThrownBy(() -> new WalletEventConsumer(null, null, null, null, null, null, null, Map.of(), "group",
                500, EAGER, config(Map.of("wallet.idempotency.retention", "PT23H"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wallet.idempotency.retention");
    }

    @Test
    void cooperativeRebalancesFailTheStart() {
        // Kafka's default list: the consumer rebalances eagerly until RangeAssignor is gone from every member.
        Optional<List<String>> both = Optional.of(List.of(RangeAssignor.class.getName(),
                CooperativeStickyAssignor.class.getName()));
        Optional<List<String>> cooperative = Optional.of(List.of(CooperativeStickyAssignor.class.getName()));

        assertThatCode(() -> new WalletEventConsumer(null, null, null, null, null, null, null, Map.of(), "group", 500,
                both, config(Map.of()))).doesNotThrowAnyException();
        assertThatThrownBy(() -> new WalletEventConsumer(null, null, null, null, null, null, null, Map.of(), "group",
                500, cooperative, config(Map.of()))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be cooperative");
    }

    @Test
    void laneStoppedByABugTakesReadinessDownButOneStoppedByTheShutdownDoesNot() {
        ProcessingHealth health = new ProcessingHealth(new SimpleMeterRegistry());
        WalletEventConsumer consumer = new WalletEventConsumer(null, null, null, health, null, null, null, Map.of(),
                "group", 500, EAGER, config(Map.of()));
        TopicPartition partition = new TopicPartition("wallet-events", 3);
        KafkaRecordBatch<String, byte[]> batch = new IncomingKafkaRecordBatch<>(new ConsumerRecords<>(
                Map.of(partition, List.of(new ConsumerRecord<>(partition.topic(), partition.partition(), 7, "alice",
                        new byte[0])))),
                "wallet-events", -1, null, null, false, false);

        consumer.onStop(null);
        consumer.laneStopped(List.of(batch), new IllegalStateException("shutting down"));
        assertThat(health.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);

        WalletEventConsumer running = new WalletEventConsumer(null, null, null, health, null, null, null, Map.of(),
                "group", 500, EAGER, config(Map.of()));
        running.laneStopped(List.of(batch), new AssertionError("a bug"));
        assertThat(health.call()).satisfies(response -> {
            assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
            assertThat(response.getData().orElseThrow().get("failingPartitions").toString())
                    .contains("wallet-events-3", "AssertionError: a bug");
        });
    }

    private static WalletConfig config(Map<String, String> properties) {
        return TestConfigs.wallet(properties);
    }
}

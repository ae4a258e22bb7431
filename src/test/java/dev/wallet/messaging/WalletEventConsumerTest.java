package dev.wallet.messaging;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.junit.jupiter.api.Test;

import dev.wallet.config.WalletConfig;
import dev.wallet.store.TestConfigs;
import dev.wallet.store.WalletStore;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the consumer refuses to start with, rather than stalling later. */
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

    private static WalletConfig config(Map<String, String> properties) {
        return TestConfigs.wallet(properties);
    }
}

package dev.wallet.messaging;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.wallet.config.WalletConfig;
import dev.wallet.store.TestConfigs;
import dev.wallet.store.WalletStore;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the consumer refuses to start with, rather than stalling later. */
class WalletEventConsumerTest {

    @Test
    void batchesLargerThanOneWalletItemCanKeepFailTheStart() {
        WalletConfig config = config(Map.of());
        int allowed = WalletStore.maxEventsPerUser(2);

        assertThatCode(
                () -> new WalletEventConsumer(null, null, null, null, null, null, null, Map.of(), "group", allowed, config))
                .doesNotThrowAnyException();
        assertThatThrownBy(
                () -> new WalletEventConsumer(null, null, null, null, null, null, null, Map.of(), "group", allowed + 1, config))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most " + allowed);
        // More fraction digits make longer lines, so fewer fit.
        assertThatThrownBy(() -> new WalletEventConsumer(null, null, null, null, null, null, null, Map.of(), "group", allowed,
                config(Map.of("wallet.amount.max-scale", "20")))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most " + WalletStore.maxEventsPerUser(20));
    }

    @Test
    void noBatchInFlightFailsTheStart() {
        assertThatThrownBy(() -> new WalletEventConsumer(null, null, null, null, null, null, null, Map.of(), "group", 500,
                config(Map.of("wallet.consumer.batches-in-flight", "0"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batches-in-flight");
    }

    private static WalletConfig config(Map<String, String> properties) {
        return TestConfigs.wallet(properties);
    }
}

package dev.wallet.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.wallet.EventType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** How much the wallet cache keeps: its bound holds whatever the wallets' last writes carried. */
class WalletCacheTest {

    private final WalletCache cache = new WalletCache(
            TestConfigs.wallet(Map.of("wallet.store.cached-wallets", "100")), new SimpleMeterRegistry());

    @Test
    void aWalletCountsOncePerEventItsLastWriteCarried() {
        IntStream.range(0, 10).forEach(i -> cache.put("burst-" + i, lastWriteOf(30)));

        // 300 events against a bound of 100: at most three of these wallets stay.
        await().until(() -> cached("burst-", 10) <= 3);
    }

    @Test
    void asManyWalletsOfOneEventAsTheBoundStay() {
        IntStream.range(0, 100).forEach(i -> cache.put("single-" + i, lastWriteOf(1)));

        assertThat(cached("single-", 100)).isEqualTo(100);
    }

    private long cached(String prefix, int users) {
        return IntStream.range(0, users).filter(i -> cache.get(prefix + i) != null).count();
    }

    private static Wallet lastWriteOf(int events) {
        Map<String, Wallet.RunEntry> run = new HashMap<>();
        for (int i = 1; i <= events; i++) {
            run.put("event-" + i, new Wallet.RunEntry(EventType.CREDIT, BigDecimal.ONE, WalletItems.APPLIED,
                    BigDecimal.valueOf(i), i, null));
        }
        return new Wallet(BigDecimal.valueOf(events), events, Instant.parse("2026-12-07T00:00:00Z"), run);
    }
}

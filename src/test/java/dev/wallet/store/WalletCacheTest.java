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
    void aWalletWhoseLastWriteCarriedManyEventsCountsAsManyWallets() {
        IntStream.range(0, 10).forEach(i -> cache.put("burst-" + i, lastWriteOf(30)));

        // About 19 half kilobytes each (30 events of 300 bytes and short ids) against a bound of 100.
        await().until(() -> cached("burst-", 10) <= 5);
    }

    @Test
    void aWalletWithALongUserIdCountsAsSeveral() {
        String longId = "\uD83D\uDE00".repeat(256);
        IntStream.range(0, 50).forEach(i -> cache.put(longId + i, Wallet.EMPTY));

        // The longest userId, 256 emoji, is 1 KB of UTF-16: three units each against a bound of 100.
        await().until(() -> IntStream.range(0, 50).filter(i -> cache.get(longId + i) != null).count() <= 33);
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

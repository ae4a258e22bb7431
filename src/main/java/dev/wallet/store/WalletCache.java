package dev.wallet.store;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;

import dev.wallet.config.WalletConfig;

/**
 * The wallets this instance last wrote or read, so that a user's next batch skips reading its wallet: the
 * partition that carries a user's events usually stays with one consumer.
 *
 * <p>
 * A cached wallet may be stale (another instance took the partition for a while): it is only ever the
 * expected version of a conditional write, which then fails and the wallet is read again. A decision that
 * writes nothing (only rejections) stands only once the wallet is found still at that version.
 */
@ApplicationScoped
public class WalletCache {

    private final Cache<String, Wallet> wallets;

    public WalletCache(WalletConfig config, MeterRegistry registry) {
        this.wallets = Caffeine.newBuilder().maximumSize(config.store().cachedWallets()).recordStats().build();
        // Hits are wallet reads saved: cache_gets_total{cache="wallet",result="hit"} on /q/metrics.
        CaffeineCacheMetrics.monitor(registry, wallets, "wallet");
    }

    Wallet get(String userId) {
        return wallets.getIfPresent(userId);
    }

    void put(String userId, Wallet wallet) {
        wallets.put(userId, wallet);
    }

    /** While a write is in flight the wallet may or may not move: better nothing cached than a guess. */
    void forget(String userId) {
        wallets.invalidate(userId);
    }
}

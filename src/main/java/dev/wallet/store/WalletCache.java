package dev.wallet.store;

import java.util.Set;

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
 *
 * <p>
 * Each wallet also says whether this instance saw every event of its {@code last_run} recorded: only then may a
 * batch write it without looking those events up (see {@link WalletReads}).
 */
@ApplicationScoped
public class WalletCache {

    private final Cache<String, Cached> wallets;

    public WalletCache(WalletConfig config, MeterRegistry registry) {
        // Weighed by the events a wallet's last write carried, each about as large as a wallet without them: a bound
        // on wallets alone let users sent in bursts (an import sorted by user) fill the heap.
        this.wallets = Caffeine.newBuilder().maximumWeight(config.store().cachedWallets())
                .<String, Cached> weigher((userId, cached) -> Math.max(1, cached.wallet().lastRun().size()))
                .recordStats().build();
        // Hits are wallet reads saved: cache_gets_total{cache="wallet",result="hit"} on /q/metrics.
        CaffeineCacheMetrics.monitor(registry, wallets, "wallet");
    }

    /** A wallet, and whether every event of its last_run is known to be in the events table. */
    record Cached(Wallet wallet, boolean recorded) {
    }

    Cached get(String userId) {
        return wallets.getIfPresent(userId);
    }

    /** As read or written: its last_run's events are not known to be recorded, unless it has none. */
    void put(String userId, Wallet wallet) {
        wallets.put(userId, new Cached(wallet, wallet.lastRun().isEmpty()));
    }

    /** These records were written: a cached wallet whose last_run events are all among them is recorded. */
    void recorded(Set<String> userIds, Set<String> eventIds) {
        for (String userId : userIds) {
            wallets.asMap().computeIfPresent(userId, (user, cached) -> cached.recorded()
                    || !eventIds.containsAll(cached.wallet().lastRun().keySet()) ? cached
                            : new Cached(cached.wallet(), true));
        }
    }

    /** While a write is in flight the wallet may or may not move: better nothing cached than a guess. */
    void forget(String userId) {
        wallets.invalidate(userId);
    }
}

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
        // Weighed by size: a bound on wallets alone let users sent in bursts (an import sorted by user, each wallet
        // keeping its last write's events) or with long ids fill the heap.
        this.wallets = Caffeine.newBuilder().maximumWeight(config.store().cachedWallets())
                .weigher(WalletCache::weight).recordStats().build();
        // Hits are wallet reads saved: cache_gets_total{cache="wallet",result="hit"} on /q/metrics.
        CaffeineCacheMetrics.monitor(registry, wallets, "wallet");
    }

    /**
     * About its size, in half kilobytes, which a wallet of one event with short ids takes: its ids are kept as UTF-16
     * at most, and each event of its last_run takes about 300 bytes more.
     */
    private static int weight(String userId, Cached cached) {
        long bytes = 2L * userId.length();
        for (String eventId : cached.wallet().lastRun().keySet()) {
            bytes += 2L * eventId.length() + 300;
        }
        return (int) Math.min(Integer.MAX_VALUE, 1 + bytes / 512);
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

package dev.wallet.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import jakarta.enterprise.context.ApplicationScoped;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;

/**
 * Strongly consistent reads of wallets, then of event records, {@value WalletRequests#MAX_READ_KEYS} keys per
 * BatchGetItem; the counterpart of {@link WalletWrites}.
 *
 * <h2>Why wallets first</h2>
 * An applied event is always in its wallet's last_run or in the events table (a wallet write replaces last_run only
 * once those events are recorded), so an event missing from both reads was not applied before the wallet read; if
 * another writer applies it later, the batch's wallet write fails on the version and everything is read again. A
 * cached wallet is a wallet read (or written) earlier still: the same holds. A run of rejections only writes
 * nothing: see {@link #stillAt}.
 */
@ApplicationScoped
class WalletReads {

    private final DynamoDbClient dynamo;
    private final WalletRequests requests;
    private final StoreWorkers workers;
    private final StoreMetrics metrics;
    private final WalletCache cache;

    WalletReads(DynamoDbClient dynamo, WalletRequests requests, StoreWorkers workers, StoreMetrics metrics,
            WalletCache cache) {
        this.dynamo = dynamo;
        this.requests = requests;
        this.workers = workers;
        this.metrics = metrics;
        this.cache = cache;
    }

    /**
     * The wallets of these users: cached, or read with every chunk in flight at once (and cached from then on).
     * Those read, and those cached whose last_run events this instance did not see recorded, are to be checked.
     */
    Wallets wallets(Collection<String> userIds) {
        Map<String, Wallet> wallets = new HashMap<>();
        Set<String> lastRunsToRead = new HashSet<>();
        List<String> missing = new ArrayList<>();
        for (String userId : userIds) {
            WalletCache.Cached cached = cache.get(userId);
            if (cached == null) {
                missing.add(userId);
            } else {
                wallets.put(userId, cached.wallet());
                if (!cached.recorded()) {
                    lastRunsToRead.add(userId);
                }
            }
        }
        Map<String, Wallet> read = walletsRead(missing, workers.all(reads(missing, List.of())));
        read.forEach(cache::put);
        wallets.putAll(read);
        lastRunsToRead.addAll(read.keySet());
        return new Wallets(wallets, lastRunsToRead);
    }

    /**
     * Reads the records of these eventIds, after the wallets, every chunk in flight at once; the records still being
     * written ({@code pending}, looked up after the wallets and before this read) count as read.
     */
    Snapshot records(Wallets wallets, Collection<String> eventIds, Map<String, Map<String, AttributeValue>> pending) {
        Map<String, Map<String, AttributeValue>> records = recordsRead(workers.all(reads(List.of(), eventIds)));
        pending.forEach(records::putIfAbsent);
        return new Snapshot(wallets.byUser(), records, wallets.lastRunsToRead());
    }

    /** Reads one chunk after the other on the calling thread, none from the cache; every last_run is read. */
    Snapshot readHere(Collection<String> userIds, Collection<String> eventIds) {
        Wallets wallets = new Wallets(walletsRead(userIds,
                reads(userIds, List.of()).stream().map(StoreWorkers::call).toList()), Set.copyOf(userIds));
        Set<String> ids = new HashSet<>(eventIds);
        ids.addAll(wallets.lastRunEventIds());
        return new Snapshot(wallets.byUser(),
                recordsRead(reads(List.of(), ids).stream().map(StoreWorkers::call).toList()), wallets.lastRunsToRead());
    }

    // Rejections only: nothing is written, so no version condition checks the wallet they were judged on, and
    // a rejection is final. That wallet may miss an event found recorded (another writer applied it after the
    // wallet was read or cached, before the records were read): the rejections stand only if the wallet is
    // still at that version now, after the records were read. A version holds one balance only.
    boolean stillAt(String userId, long version) {
        metrics.request("GetItem");
        return WalletItems.version(dynamo.getItem(requests.readVersion(userId)).item()) == version;
    }

    private List<Callable<BatchGetItemResponse>> reads(Collection<String> userIds, Collection<String> eventIds) {
        List<Callable<BatchGetItemResponse>> reads = new ArrayList<>();
        List<String> users = List.copyOf(userIds);
        List<String> ids = List.copyOf(eventIds);
        for (List<String> chunk : WalletRequests.chunks(users, WalletRequests.MAX_READ_KEYS)) {
            BatchGetItemRequest request = requests.read(chunk, List.of());
            reads.add(() -> readAll(request));
        }
        for (List<String> chunk : WalletRequests.chunks(ids, WalletRequests.MAX_READ_KEYS)) {
            BatchGetItemRequest request = requests.read(List.of(), chunk);
            reads.add(() -> readAll(request));
        }
        return reads;
    }

    /** The wallets read: a missing wallet is empty. */
    private Map<String, Wallet> walletsRead(Collection<String> userIds, List<BatchGetItemResponse> responses) {
        Map<String, Wallet> read = new HashMap<>();
        userIds.forEach(userId -> read.put(userId, Wallet.EMPTY));
        responses.forEach(response -> response.responses().getOrDefault(requests.walletTable(), List.of())
                .forEach(item -> read.put(item.get(WalletItems.USER_ID).s(), WalletItems.wallet(item))));
        return read;
    }

    private Map<String, Map<String, AttributeValue>> recordsRead(List<BatchGetItemResponse> responses) {
        Map<String, Map<String, AttributeValue>> records = new HashMap<>();
        responses.forEach(response -> response.responses().getOrDefault(requests.eventsTable(), List.of())
                .forEach(item -> records.put(item.get(WalletItems.EVENT_ID).s(), item)));
        return records;
    }

    /**
     * A batch's wallets, and the users whose last_run may hold events without a record: a write must not replace
     * it before they are recorded, so their eventIds are read with the batch's.
     */
    record Wallets(Map<String, Wallet> byUser, Set<String> lastRunsToRead) {

        Set<String> lastRunEventIds() {
            Set<String> eventIds = new HashSet<>();
            lastRunsToRead.forEach(userId -> eventIds.addAll(byUser.get(userId).lastRun().keySet()));
            return eventIds;
        }
    }

    /** DynamoDB may leave keys unprocessed (throttling, size): they are asked for again ({@link Resend}). */
    private BatchGetItemResponse readAll(BatchGetItemRequest request) {
        Map<String, List<Map<String, AttributeValue>>> items = new HashMap<>();
        Resend.untilDone(request, next -> {
            metrics.request("BatchGetItem");
            BatchGetItemResponse response = dynamo.batchGetItem(next);
            response.responses().forEach((table, found) -> items.computeIfAbsent(table, t -> new ArrayList<>())
                    .addAll(found));
            return response.unprocessedKeys().isEmpty() ? null
                    : BatchGetItemRequest.builder().requestItems(response.unprocessedKeys()).build();
        }, "keys");
        return BatchGetItemResponse.builder().responses(items).build();
    }
}

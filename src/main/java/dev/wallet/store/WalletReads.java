package dev.wallet.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
     * Reads the wallets not cached, then the records, with every chunk of a table in flight at once; the records
     * still being written ({@code pending}, looked up before either read) count as read.
     */
    Snapshot read(Collection<String> userIds, Collection<String> eventIds,
            Map<String, Map<String, AttributeValue>> pending) {
        Map<String, Wallet> cached = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String userId : userIds) {
            Wallet wallet = cache.get(userId);
            if (wallet == null) {
                missing.add(userId);
            } else {
                cached.put(userId, wallet);
            }
        }
        List<BatchGetItemResponse> wallets = workers.all(reads(missing, List.of()));
        Snapshot snapshot = snapshot(cached, missing, wallets, workers.all(reads(List.of(), eventIds)));
        pending.forEach(snapshot.records()::putIfAbsent);
        return snapshot;
    }

    /** Reads one chunk after the other on the calling thread, none from the cache. */
    Snapshot readHere(Collection<String> userIds, Collection<String> eventIds) {
        List<BatchGetItemResponse> wallets = reads(userIds, List.of()).stream().map(StoreWorkers::call).toList();
        return snapshot(Map.of(), userIds, wallets,
                reads(List.of(), eventIds).stream().map(StoreWorkers::call).toList());
    }

    // Rejections only: nothing is written, so no version condition checks the wallet they were judged on, and
    // a rejection is final. That wallet may miss an event found recorded (another writer applied it after the
    // wallet was read or cached, before the records were read): the rejections stand only if the wallet is
    // still at that version now, after the records were read. A version is reached by one write only.
    boolean stillAt(String userId, long version) {
        metrics.request("GetItem");
        return WalletItems.version(dynamo.getItem(requests.readVersion(userId)).item()) == version;
    }

    private List<Callable<BatchGetItemResponse>> reads(Collection<String> userIds, Collection<String> eventIds) {
        List<Callable<BatchGetItemResponse>> reads = new ArrayList<>();
        List<String> users = List.copyOf(userIds);
        List<String> ids = List.copyOf(eventIds);
        for (int start = 0; start < users.size(); start += WalletRequests.MAX_READ_KEYS) {
            BatchGetItemRequest request = requests.read(chunk(users, start), List.of());
            reads.add(() -> readAll(request));
        }
        for (int start = 0; start < ids.size(); start += WalletRequests.MAX_READ_KEYS) {
            BatchGetItemRequest request = requests.read(List.of(), chunk(ids, start));
            reads.add(() -> readAll(request));
        }
        return reads;
    }

    private static List<String> chunk(List<String> keys, int start) {
        return keys.subList(start, Math.min(keys.size(), start + WalletRequests.MAX_READ_KEYS));
    }

    /** The wallets cached and the ones read (a missing wallet is empty), which are cached from now on. */
    private Snapshot snapshot(Map<String, Wallet> cached, Collection<String> readUserIds,
            List<BatchGetItemResponse> walletReads, List<BatchGetItemResponse> recordReads) {
        Map<String, Wallet> read = new HashMap<>();
        readUserIds.forEach(userId -> read.put(userId, Wallet.EMPTY));
        walletReads.forEach(response -> response.responses().getOrDefault(requests.walletTable(), List.of())
                .forEach(item -> read.put(item.get(WalletItems.USER_ID).s(), WalletItems.wallet(item))));
        read.forEach(cache::put);
        Map<String, Wallet> wallets = new HashMap<>(cached);
        wallets.putAll(read);
        Map<String, Map<String, AttributeValue>> records = new HashMap<>();
        recordReads.forEach(response -> response.responses().getOrDefault(requests.eventsTable(), List.of())
                .forEach(item -> records.put(item.get(WalletItems.EVENT_ID).s(), item)));
        return new Snapshot(wallets, records);
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

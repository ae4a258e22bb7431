package dev.wallet.store;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import dev.wallet.EventType;
import dev.wallet.Outcome;
import dev.wallet.RejectionReason;
import dev.wallet.WalletEvent;
import dev.wallet.config.WalletConfig;

/**
 * Applies a batch of events to DynamoDB, each exactly once per eventId, in order per user. For a batch:
 * <ol>
 * <li>one consistent BatchGetItem per 100 keys reads the wallets not cached ({@link WalletCache}), then the
 * records of the events' ids;</li>
 * <li>per user, the new events are decided in order against the wallet read, and the result is written in one
 * write conditional on the wallet's version (a hot wallet is written once per batch, not per event), which also
 * keeps those events' outcomes in the wallet item ({@code last_run}); the users' writes go 25 per request
 * ({@link WalletWrites}), and a user whose wallet moved meanwhile is read and decided again;</li>
 * <li>one BatchWriteItem per 25 records stores each outcome under its eventId, while the caller publishes the
 * outcomes, and after {@link #apply} returned ({@link Recording}).</li>
 * </ol>
 * A crash between 2 and 3 loses nothing, and changes no outcome already published: the redelivered events of a
 * wallet write are found in its {@code last_run}; a user's run of rejections only, which writes no wallet, is
 * decided again against the same wallet (its user's later events wait behind it in the partition, and
 * {@link #stillAt} checks the version), as conflicts, which are never recorded, always are. The caller must not
 * process another batch with events of the same users before this one returned, and must acknowledge a batch only
 * once its records are written. The next batch of its users may be read and decided meanwhile: it finds those
 * records among the {@link PendingRecords}, and writes no wallet before they are written.
 */
@ApplicationScoped
public class WalletStore {

    private final DynamoDbClient dynamo;
    private final WalletRequests requests;
    private final StoreWorkers workers;
    private final StoreMetrics metrics;
    private final WalletCache cache;
    private final WalletWrites writes;
    private final Duration retention;
    private final PendingRecords pending = new PendingRecords();

    WalletStore(DynamoDbClient dynamo, WalletRequests requests, StoreWorkers workers, StoreMetrics metrics,
            WalletCache cache, WalletWrites writes, WalletConfig config) {
        this.dynamo = dynamo;
        this.requests = requests;
        this.workers = workers;
        this.metrics = metrics;
        this.cache = cache;
        this.writes = writes;
        this.retention = config.idempotency().retention();
    }

    /**
     * The most events of one user a batch may hold, however long their eventIds and amounts: one write keeps them
     * all in the wallet item ({@code last_run}), and DynamoDB refuses items over 400 KB. The rest of the item (a
     * userId of up to 1 KB, the attribute names, balance, version and time) takes well under 2 KB.
     */
    public static int maxEventsPerUser(int maxScale) {
        return (400 * 1024 - 2 * 1024) / LastRunText.maxLineBytes(maxScale);
    }

    /**
     * The outcome of each event, in the order given: decided now, or whatever it was the first time it came.
     * {@code whileRecording} gets them once the wallets are written, and runs while their records are written;
     * this returns once it ran, with the records' write still in progress, or throws once that write ended.
     */
    public Recording apply(List<WalletEvent> events, Consumer<List<Outcome>> whileRecording) {
        if (events.isEmpty()) {
            whileRecording.accept(List.of());
            return Recording.done(List.of());
        }
        Map<String, WalletEvent> firsts = new LinkedHashMap<>();
        Map<String, List<WalletEvent>> byUser = new LinkedHashMap<>();
        for (WalletEvent event : events) {
            if (firsts.putIfAbsent(event.eventId(), event) == null) {
                byUser.computeIfAbsent(event.userId(), user -> new ArrayList<>()).add(event);
            }
        }
        PendingRecords.Earlier earlier = pending.earlier(byUser.keySet(), firsts.keySet());
        Snapshot snapshot = read(byUser.keySet(), firsts.keySet(), earlier.records());
        Instant now = Instant.now();
        List<Attempt> attempts = workers.all(byUser.values().stream()
                .<Callable<Attempt>> map(run -> () -> attempt(run, snapshot, now)).toList());
        Map<String, Run> runs = new HashMap<>();
        attempts.stream().filter(Attempt::writes).forEach(attempt -> runs.put(attempt.userId(), attempt.run()));
        earlier.awaitWritten();
        Set<String> moved = writes.writeAll(runs);
        Map<String, Known> known = new HashMap<>();
        List<Callable<Map<String, Known>>> again = new ArrayList<>();
        for (Attempt attempt : attempts) {
            if (attempt.stale() || moved.contains(attempt.userId())) {
                again.add(() -> settle(attempt.events(), now));
            } else {
                known.putAll(attempt.settled());
            }
        }
        workers.all(again).forEach(known::putAll);
        Instant expiresAt = now.plus(retention);
        Map<String, Map<String, AttributeValue>> records = new LinkedHashMap<>();
        firsts.values().stream().filter(first -> known.get(first.eventId()).unrecorded(first))
                .forEach(first -> records.put(first.eventId(),
                        WalletRequests.record(first, known.get(first.eventId()).outcomeOf(first), expiresAt)));
        List<Outcome> outcomes = events.stream().map(event -> known.get(event.eventId()).outcomeOf(event)).toList();
        if (records.isEmpty()) {
            whileRecording.accept(outcomes);
            return Recording.done(outcomes);
        }
        // The records only matter to a later delivery of these events: until they are written, it decides them
        // as they were decided here (see the class's comment).
        Recording recording = new Recording(outcomes, records, byUser.keySet(), this::record, pending);
        pending.add(recording);
        try {
            recording.start();
            whileRecording.accept(outcomes);
        } catch (RuntimeException | Error e) {
            // The batch will be processed again: it must not find these records pending, nor race with their write.
            recording.abandonOnceEnded(e);
            throw e;
        }
        return recording;
    }

    /**
     * One user's events of the batch (first occurrences of their eventIds), in order, on one snapshot: known ones
     * are looked up, new ones decided. Stale when the rejections of a run that writes nothing cannot stand.
     */
    private Attempt attempt(List<WalletEvent> events, Snapshot snapshot, Instant now) {
        String userId = events.get(0).userId();
        Wallet wallet = snapshot.wallet(userId);
        Map<String, Known> known = new HashMap<>();
        List<WalletEvent> fresh = new ArrayList<>();
        for (WalletEvent event : events) {
            Map<String, AttributeValue> record = snapshot.records().get(event.eventId());
            Wallet.RunEntry entry = wallet.lastRun().get(event.eventId());
            if (record != null) {
                known.put(event.eventId(), new Recorded(record));
            } else if (entry != null) {
                known.put(event.eventId(), new InLastWrite(userId, entry, wallet.writtenAt()));
            } else {
                fresh.add(event);
            }
        }
        Run run = Run.decide(wallet, fresh, now);
        if (!run.changesWallet() && !fresh.isEmpty() && !stillAt(userId, wallet.version())) {
            return new Attempt(userId, events, known, run, true);
        }
        if (run.changesWallet()) {
            // This write replaces last_run: the events known only from it must be recorded first.
            recordHere(events, known, now);
        }
        return new Attempt(userId, events, known, run, false);
    }

    /**
     * One user's events whose first attempt failed (another writer moved the wallet): read again and decided
     * again until the wallet write succeeds. Returns how each eventId is known now.
     */
    private Map<String, Known> settle(List<WalletEvent> events, Instant now) {
        String userId = events.get(0).userId();
        List<String> eventIds = events.stream().map(WalletEvent::eventId).toList();
        while (true) {
            Log.debugf("Wallet %s moved since it was read, deciding its events again", userId);
            // On this thread, one of the workers: waiting for other workers here could starve the pool.
            Attempt attempt = attempt(events, readHere(List.of(userId), eventIds), now);
            if (!attempt.stale() && (!attempt.writes() || writes.write(userId, attempt.run()))) {
                return attempt.settled();
            }
        }
    }

    // Rejections only: nothing is written, so no version condition checks the wallet they were judged on, and
    // a rejection is final. That wallet may miss an event found recorded (another writer applied it after the
    // wallet was read or cached, before the records were read): the rejections stand only if the wallet is
    // still at that version now, after the records were read. A version is reached by one write only.
    private boolean stillAt(String userId, long version) {
        metrics.request("GetItem");
        return WalletRequests.version(dynamo.getItem(requests.readVersion(userId)).item()) == version;
    }

    /**
     * Records them on this thread, and from then on knows them as recorded, so they are not written twice. Each as
     * its last write decided it, also when the batch's copy conflicts with it: the original may come again.
     */
    private void recordHere(List<WalletEvent> events, Map<String, Known> known, Instant now) {
        Instant expiresAt = now.plus(retention);
        List<Map<String, AttributeValue>> recovered = new ArrayList<>();
        for (WalletEvent event : events) {
            if (known.get(event.eventId()) instanceof InLastWrite last) {
                WalletEvent original = last.original(event.eventId());
                recovered.add(WalletRequests.record(original, last.outcomeOf(original), expiresAt));
            }
        }
        for (int start = 0; start < recovered.size(); start += WalletRequests.MAX_WRITE_ITEMS) {
            writeAll(requests.record(recovered.subList(start,
                    Math.min(recovered.size(), start + WalletRequests.MAX_WRITE_ITEMS))));
        }
        recovered.forEach(record -> known.put(record.get(WalletRequests.EVENT_ID).s(), new Recorded(record)));
    }

    // Wallets first, records after: an applied event is always in its wallet's last_run or in the events table
    // (a wallet write replaces last_run only once those events are recorded), so an event missing from both
    // reads was not applied before the wallet read; if another writer applies it later, the wallet write
    // of this batch fails on the version and everything is read again. A cached wallet is a wallet read (or
    // written) earlier still: the same holds. A run of rejections only writes nothing: see stillAt. The records
    // this instance is still writing are looked up before either read: one no longer pending by then is in the
    // table for the read to find.

    /**
     * Reads the wallets not cached, then the records, with every chunk of a table in flight at once; the records
     * still being written ({@code pending}) count as read.
     */
    private Snapshot read(Collection<String> userIds, Collection<String> eventIds,
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
    private Snapshot readHere(Collection<String> userIds, Collection<String> eventIds) {
        List<BatchGetItemResponse> wallets = reads(userIds, List.of()).stream().map(StoreWorkers::call).toList();
        return snapshot(Map.of(), userIds, wallets,
                reads(List.of(), eventIds).stream().map(StoreWorkers::call).toList());
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
                .forEach(item -> read.put(item.get(WalletRequests.USER_ID).s(), WalletRequests.wallet(item))));
        read.forEach(cache::put);
        Map<String, Wallet> wallets = new HashMap<>(cached);
        wallets.putAll(read);
        Map<String, Map<String, AttributeValue>> records = new HashMap<>();
        recordReads.forEach(response -> response.responses().getOrDefault(requests.eventsTable(), List.of())
                .forEach(item -> records.put(item.get(WalletRequests.EVENT_ID).s(), item)));
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

    private CompletableFuture<Void> record(List<Map<String, AttributeValue>> records) {
        List<Callable<Void>> writes = new ArrayList<>();
        for (int start = 0; start < records.size(); start += WalletRequests.MAX_WRITE_ITEMS) {
            BatchWriteItemRequest request = requests.record(
                    records.subList(start, Math.min(records.size(), start + WalletRequests.MAX_WRITE_ITEMS)));
            writes.add(() -> writeAll(request));
        }
        return workers.start(writes);
    }

    private Void writeAll(BatchWriteItemRequest request) {
        Resend.untilDone(request, next -> {
            metrics.request("BatchWriteItem");
            BatchWriteItemResponse response = dynamo.batchWriteItem(next);
            metrics.recordsWritten(requests.eventsTable(),
                    writeUnits(next.requestItems()) - writeUnits(response.unprocessedItems()));
            return response.unprocessedItems().isEmpty() ? null
                    : next.toBuilder().requestItems(response.unprocessedItems()).build();
        }, "records");
        return null;
    }

    private static int writeUnits(Map<String, List<WriteRequest>> puts) {
        return puts.values().stream().flatMap(List::stream)
                .mapToInt(put -> WalletRequests.writeUnits(put.putRequest().item())).sum();
    }

    private static Outcome earlierOutcome(WalletEvent event, Map<String, AttributeValue> record) {
        String userId = record.get(WalletRequests.USER_ID).s();
        EventType type = EventType.valueOf(record.get(WalletRequests.TYPE).s());
        BigDecimal amount = WalletRequests.decimal(record.get(WalletRequests.AMOUNT));
        if (!event.sameRequestAs(userId, type, amount)) {
            return conflict(event, userId, type, amount);
        }
        String outcome = record.get(WalletRequests.OUTCOME).s();
        AttributeValue balance = record.get(WalletRequests.BALANCE);
        if (WalletRequests.APPLIED.equals(outcome)) {
            return new Outcome.Applied(event, WalletRequests.decimal(balance),
                    Long.parseLong(record.get(WalletRequests.VERSION).n()),
                    Instant.parse(record.get(WalletRequests.AT).s()));
        }
        return new Outcome.Rejected(event.eventId(), event.userId(), RejectionReason.valueOf(outcome),
                record.get(WalletRequests.DETAIL).s(), balance == null ? null : WalletRequests.decimal(balance));
    }

    private static Outcome conflict(WalletEvent event, String userId, EventType type, BigDecimal amount) {
        List<String> fields = new ArrayList<>();
        if (!event.userId().equals(userId)) {
            fields.add("userId");
        }
        if (event.type() != type) {
            fields.add("type");
        }
        if (event.amount().compareTo(amount) != 0) {
            fields.add("amount");
        }
        return new Outcome.Rejected(event.eventId(), event.userId(), RejectionReason.EVENT_ID_CONFLICT,
                "eventId was already used with a different " + String.join(", ", fields), null);
    }

    /**
     * How the first use of an eventId is known. Every occurrence of the eventId gets its outcome from it: the same
     * request gets the first use's outcome, another request is a conflict.
     */
    private sealed interface Known {

        Outcome outcomeOf(WalletEvent event);

        /** Whether the first use's outcome is still to be stored under its eventId, the record of it missing. */
        boolean unrecorded(WalletEvent first);
    }

    /** Recorded in the events table: decided earlier. */
    private record Recorded(Map<String, AttributeValue> record) implements Known {

        @Override
        public Outcome outcomeOf(WalletEvent event) {
            return earlierOutcome(event, record);
        }

        @Override
        public boolean unrecorded(WalletEvent first) {
            return false;
        }
    }

    /** Decided by the wallet's last write, whose records were not written (a crash, another instance). */
    private record InLastWrite(String userId, Wallet.RunEntry entry, Instant writtenAt) implements Known {

        @Override
        public Outcome outcomeOf(WalletEvent event) {
            if (!event.sameRequestAs(userId, entry.type(), entry.amount())) {
                return conflict(event, userId, entry.type(), entry.amount());
            }
            if (WalletRequests.APPLIED.equals(entry.outcome())) {
                return new Outcome.Applied(event, entry.balance(), entry.version(), writtenAt);
            }
            return Run.rejected(event, RejectionReason.valueOf(entry.outcome()), entry.balance());
        }

        @Override
        public boolean unrecorded(WalletEvent first) {
            return first.sameRequestAs(userId, entry.type(), entry.amount());
        }

        /** The event this write decided; its occurredAt is not kept, and no record holds it. */
        WalletEvent original(String eventId) {
            return new WalletEvent(eventId, userId, entry.type(), entry.amount(), null);
        }
    }

    /** Decided now, in this batch. */
    private record Decided(WalletEvent first, Outcome outcome) implements Known {

        @Override
        public Outcome outcomeOf(WalletEvent event) {
            return event.sameRequestAs(first.userId(), first.type(), first.amount()) ? outcome
                    : conflict(event, first.userId(), first.type(), first.amount());
        }

        @Override
        public boolean unrecorded(WalletEvent first) {
            return true;
        }
    }

    /** One user's events decided on one snapshot; when not stale, {@code run} holds the new ones. */
    private record Attempt(String userId, List<WalletEvent> events, Map<String, Known> known, Run run,
            boolean stale) {

        boolean writes() {
            return !stale && run.changesWallet();
        }

        /** How each eventId is known once the run is written (or needed no write). */
        Map<String, Known> settled() {
            for (int i = 0; i < run.events().size(); i++) {
                WalletEvent event = run.events().get(i);
                known.put(event.eventId(), new Decided(event, run.outcomes().get(i)));
            }
            return known;
        }
    }

    /**
     * Wallets by userId, read or from the cache, then event records by eventId, read after: each as it was at
     * one moment.
     */
    private record Snapshot(Map<String, Wallet> wallets, Map<String, Map<String, AttributeValue>> records) {

        Wallet wallet(String userId) {
            return wallets.getOrDefault(userId, Wallet.EMPTY);
        }
    }
}

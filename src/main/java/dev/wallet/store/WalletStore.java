package dev.wallet.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import dev.wallet.Outcome;
import dev.wallet.WalletEvent;
import dev.wallet.config.WalletConfig;

/**
 * Applies a batch of events to DynamoDB, each exactly once per eventId, in order per user. The whole flow, with a
 * diagram and the item layouts: docs/design.md.
 *
 * <h2>Steps of a batch</h2>
 * <ol>
 * <li>{@link WalletReads#wallets}, {@link WalletReads#records}: one consistent BatchGetItem per 100 keys reads the
 * wallets not cached ({@link WalletCache}), then the records of the events' ids, and of the last_run events of the
 * wallets this instance did not see recorded;</li>
 * <li>{@link #decide}: per user, the new events are decided in order against the wallet read ({@link Run});</li>
 * <li>{@link WalletWrites#writeAll}: each user's run in one write conditional on the wallet as read (a hot wallet
 * is written once per batch, not per event), which also keeps those events' outcomes in the wallet item
 * ({@code last_run});</li>
 * <li>{@link #settle}: a user whose wallet moved meanwhile is read and decided again until its write holds;</li>
 * <li>{@link #record}: one BatchWriteItem per 25 records stores each outcome under its eventId, after
 * {@link #apply} returned ({@link Recording}); the caller publishes the outcomes once they are written.</li>
 * </ol>
 *
 * <h2>Crashes</h2>
 * A crash between the wallet writes and the records loses nothing, and changes no outcome already published: the
 * redelivered events of a wallet write are found in its {@code last_run}; a user's run of rejections judged on the
 * balance only, which writes no wallet ({@link Run#writesWallet}), is decided again against the same wallet (its
 * user's later events wait behind it in the partition, and {@link WalletReads#stillAt} checks the version), as
 * conflicts, which are never recorded, always are.
 *
 * <h2>Concurrency</h2>
 * The caller must not process another batch with events of the same users before this one returned, and must
 * acknowledge a batch only once its records are written. A batch of those users read and decided meanwhile (on
 * another consumer, after a rebalance) finds those records among the {@link PendingRecords}, and writes no wallet
 * before they are written.
 */
@ApplicationScoped
public class WalletStore {

    /**
     * How far a producer's clock may run ahead of this one: an event is judged by its record's timestamp, its record
     * expires by the time it was processed, or by that timestamp less this if later ({@link #expiresAt}).
     */
    private static final Duration CLOCK_SKEW = Duration.ofHours(1);
    /** The shortest eventId retention: events are refused once sent longer ago than it less {@link #CLOCK_SKEW}. */
    public static final Duration MIN_RETENTION = Duration.ofDays(1);

    private final WalletReads reads;
    private final WalletWrites writes;
    private final StoreWorkers workers;
    private final WalletCache cache;
    private final Duration retention;
    private final PendingRecords pending = new PendingRecords();

    WalletStore(WalletReads reads, WalletWrites writes, StoreWorkers workers, WalletCache cache,
            WalletConfig config) {
        this.reads = reads;
        this.writes = writes;
        this.workers = workers;
        this.cache = cache;
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
     * this returns that write once it ran, still in progress, or throws once that write ended.
     */
    public Recording apply(List<WalletEvent> events, Consumer<List<Outcome>> whileRecording) {
        if (events.isEmpty()) {
            whileRecording.accept(List.of());
            return Recording.done();
        }
        Instant now = Instant.now();
        Batch batch = Batch.of(events, event -> expiresAt(event, now));
        WalletReads.Wallets wallets = reads.wallets(batch.byUser().keySet());
        Set<String> eventIds = new HashSet<>(batch.firsts().keySet());
        eventIds.addAll(wallets.lastRunEventIds());
        PendingRecords.Earlier earlier = pending.earlier(batch.byUser().keySet(), eventIds);
        Snapshot snapshot = reads.records(wallets, eventIds, earlier.records());
        List<Attempt> attempts = decide(batch, snapshot, now);
        earlier.awaitWritten();
        Set<String> moved = writes.writeAll(runsToWrite(attempts));
        Map<String, Known> known = settle(attempts, moved, batch, now);
        List<Outcome> outcomes = events.stream().map(event -> known.get(event.eventId()).outcomeOf(event)).toList();
        return record(events, batch, known, outcomes, whileRecording);
    }

    /** Each user's events decided on the snapshot, in parallel across users. */
    private List<Attempt> decide(Batch batch, Snapshot snapshot, Instant now) {
        return workers.all(batch.byUser().values().stream()
                .<Callable<Attempt>> map(run -> () -> attempt(run, snapshot, batch, now)).toList());
    }

    private static Map<String, Run> runsToWrite(List<Attempt> attempts) {
        Map<String, Run> runs = new HashMap<>();
        attempts.stream().filter(Attempt::writes).forEach(attempt -> runs.put(attempt.userId(), attempt.run()));
        return runs;
    }

    /** How each eventId is known once every user's run is written: the users that lost a race decided again. */
    private Map<String, Known> settle(List<Attempt> attempts, Set<String> moved, Batch batch, Instant now) {
        Map<String, Known> known = new HashMap<>();
        List<Callable<Map<String, Known>>> again = new ArrayList<>();
        for (Attempt attempt : attempts) {
            if (attempt.stale() || moved.contains(attempt.userId())) {
                again.add(() -> settle(attempt.events(), batch, now));
            } else {
                known.putAll(attempt.settled());
            }
        }
        workers.all(again).forEach(known::putAll);
        return known;
    }

    /**
     * Stores the outcomes of the first uses not recorded yet, while {@code whileRecording} runs. The records only
     * matter to a later delivery of these events: until they are written, it decides them as they were decided here
     * (see the class's comment).
     */
    private Recording record(List<WalletEvent> events, Batch batch, Map<String, Known> known, List<Outcome> outcomes,
            Consumer<List<Outcome>> whileRecording) {
        Map<String, Map<String, AttributeValue>> records = new LinkedHashMap<>();
        for (WalletEvent first : batch.firsts().values()) {
            Known how = known.get(first.eventId());
            if (how.unrecorded()) {
                WalletEvent use = how.firstUse(first);
                records.put(first.eventId(), WalletItems.record(use, how.outcomeOf(use),
                        batch.expiries().get(first.eventId())));
            }
        }
        for (WalletEvent event : events) {
            // Another record of a recorded eventId (a retry, a conflict) may come again as long as Kafka keeps it:
            // the eventId is remembered for a retention from now on at least, or a replay of it would find nothing.
            Instant expiresAt = batch.expiries().get(event.eventId());
            if (known.get(event.eventId()) instanceof Known.Recorded recorded && !records.containsKey(event.eventId())
                    && event.fromAnotherRecordThan(recorded.source()) && recorded.expiresBefore(expiresAt)) {
                records.put(event.eventId(), WalletItems.expiring(recorded.record(), expiresAt));
            }
        }
        if (records.isEmpty()) {
            whileRecording.accept(outcomes);
            return Recording.done();
        }
        Recording recording = new Recording(records, batch.byUser().keySet(), writes::records, pending);
        recording.written().thenRun(() -> cache.recorded(batch.byUser().keySet(), records.keySet()));
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
     * When the record of a use read from this input record may expire: a retention after now, or after the record's
     * timestamp less the clock skew if later (a producer's clock ahead): until then a replay of that input record is
     * not refused as too old ({@link Run#decide}), so its eventId must still be known.
     */
    private Instant expiresAt(WalletEvent use, Instant now) {
        Instant sent = use.sentAt() == null ? now : use.sentAt().minus(CLOCK_SKEW);
        return (sent.isAfter(now) ? sent : now).plus(retention);
    }

    /**
     * One user's events of the batch (first occurrences of their eventIds), in order, on one snapshot: known ones
     * are looked up, new ones decided. Stale when the rejections of a run that writes nothing cannot stand.
     */
    private Attempt attempt(List<WalletEvent> events, Snapshot snapshot, Batch batch, Instant now) {
        String userId = events.get(0).userId();
        Wallet wallet = snapshot.wallet(userId);
        Map<String, Known> known = new HashMap<>();
        List<WalletEvent> fresh = new ArrayList<>();
        for (WalletEvent event : events) {
            Map<String, AttributeValue> record = snapshot.records().get(event.eventId());
            Wallet.RunEntry entry = wallet.lastRun().get(event.eventId());
            if (record != null) {
                known.put(event.eventId(), new Known.Recorded(record));
            } else if (entry != null) {
                known.put(event.eventId(), new Known.InLastWrite(userId, entry, wallet.writtenAt()));
            } else {
                fresh.add(event);
            }
        }
        Run run = Run.decide(wallet, fresh, now, now.minus(retention).plus(CLOCK_SKEW));
        if (!run.writesWallet() && !fresh.isEmpty() && !reads.stillAt(userId, wallet.version())) {
            return new Attempt(userId, events, known, run, true);
        }
        if (run.writesWallet()) {
            // This write replaces last_run: the events known only from it must be recorded first.
            recordHere(userId, wallet, snapshot, known, batch, now);
        }
        return new Attempt(userId, events, known, run, false);
    }

    /**
     * One user's events whose first attempt failed (another writer moved the wallet): read again and decided
     * again until the wallet write succeeds. Returns how each eventId is known now.
     */
    private Map<String, Known> settle(List<WalletEvent> events, Batch batch, Instant now) {
        String userId = events.get(0).userId();
        List<String> eventIds = events.stream().map(WalletEvent::eventId).toList();
        Wallet refused = null;
        while (true) {
            Log.debugf("Wallet %s moved since it was read, deciding its events again", userId);
            // On this thread, one of the workers: waiting for other workers here could starve the pool.
            Snapshot snapshot = reads.readHere(List.of(userId), eventIds);
            if (refused != null && unmoved(refused, snapshot.wallet(userId))) {
                // A condition that never holds (an item this service did not write) must not spin on DynamoDB: the
                // batch fails, readiness goes down, and its retries back off.
                throw new IllegalStateException("DynamoDB refused the write of the wallet of " + userId
                        + ", which has not moved since it was read: an item this service cannot write");
            }
            Attempt attempt = attempt(events, snapshot, batch, now);
            if (!attempt.stale() && (!attempt.writes() || writes.write(userId, attempt.run()))) {
                return attempt.settled();
            }
            refused = attempt.writes() ? attempt.run().before() : null;
        }
    }

    /** The same wallet write, as far as a write's condition can tell ({@link WalletRequests#write}). */
    private static boolean unmoved(Wallet before, Wallet now) {
        return before.version() == now.version() && before.writtenAt().equals(now.writtenAt());
    }

    /**
     * Records the events of the wallet's last write that have no record, which this write replaces: the batch's
     * known only from it and, unless this instance saw them recorded, the others (a user's events spread over two
     * partitions once partitions were added). On this thread; from then on the batch's are known as recorded, so
     * they are not written twice. Each as that write decided it, also when the batch's copy conflicts with it: the
     * original may come again.
     */
    private void recordHere(String userId, Wallet wallet, Snapshot snapshot, Map<String, Known> known, Batch batch,
            Instant now) {
        boolean othersRead = snapshot.lastRunsRead().contains(userId);
        List<Map<String, AttributeValue>> recovered = new ArrayList<>();
        wallet.lastRun().forEach((eventId, entry) -> {
            Known how = known.get(eventId);
            if (how instanceof Known.InLastWrite || how == null && othersRead
                    && !snapshot.records().containsKey(eventId)) {
                Known.InLastWrite last = new Known.InLastWrite(userId, entry, wallet.writtenAt());
                WalletEvent original = last.original(eventId);
                // Its input record's timestamp is not kept: unless the batch holds a copy, a retention from now.
                Instant expiresAt = batch.expiries().getOrDefault(eventId, now.plus(retention));
                recovered.add(WalletItems.record(original, last.outcomeOf(original), expiresAt));
            }
        });
        writes.recordsHere(recovered);
        for (Map<String, AttributeValue> record : recovered) {
            known.computeIfPresent(record.get(WalletItems.EVENT_ID).s(), (eventId, last) -> new Known.Recorded(record));
        }
    }

    /**
     * A batch's first occurrence of each eventId, and those events by user, in order; and when each eventId's record
     * may expire, the latest of its occurrences' (any of their input records may be replayed).
     */
    private record Batch(Map<String, WalletEvent> firsts, Map<String, List<WalletEvent>> byUser,
            Map<String, Instant> expiries) {

        static Batch of(List<WalletEvent> events, Function<WalletEvent, Instant> expiresAt) {
            Map<String, WalletEvent> firsts = new LinkedHashMap<>();
            Map<String, List<WalletEvent>> byUser = new LinkedHashMap<>();
            Map<String, Instant> expiries = new HashMap<>();
            for (WalletEvent event : events) {
                if (firsts.putIfAbsent(event.eventId(), event) == null) {
                    byUser.computeIfAbsent(event.userId(), user -> new ArrayList<>()).add(event);
                }
                expiries.merge(event.eventId(), expiresAt.apply(event), (a, b) -> a.isAfter(b) ? a : b);
            }
            return new Batch(firsts, byUser, expiries);
        }
    }

    /** One user's events decided on one snapshot; when not stale, {@code run} holds the new ones. */
    private record Attempt(String userId, List<WalletEvent> events, Map<String, Known> known, Run run,
            boolean stale) {

        boolean writes() {
            return !stale && run.writesWallet();
        }

        /** How each eventId is known once the run is written (or needed no write). */
        Map<String, Known> settled() {
            for (int i = 0; i < run.events().size(); i++) {
                WalletEvent event = run.events().get(i);
                known.put(event.eventId(), new Known.Decided(event, run.outcomes().get(i)));
            }
            return known;
        }
    }
}

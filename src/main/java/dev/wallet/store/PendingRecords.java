package dev.wallet.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The records of this instance's batches still being written, by eventId and by user. A batch's records are
 * written while the next batch of its users is read and decided: that batch finds them here, and waits for them
 * before it writes a wallet, since a wallet write replaces {@code last_run}, whose events must be recorded first.
 */
final class PendingRecords {

    private final Map<String, Recording> byEventId = new ConcurrentHashMap<>();
    private final Map<String, Recording> byUser = new ConcurrentHashMap<>();

    /**
     * The records being written for these eventIds, and the writes to wait for before writing these users'
     * wallets. Looked up before the events table is read: a record no longer here by then is there.
     */
    Earlier earlier(Collection<String> userIds, Collection<String> eventIds) {
        Map<String, Map<String, AttributeValue>> records = new HashMap<>();
        for (String eventId : eventIds) {
            Recording recording = byEventId.get(eventId);
            if (recording != null) {
                records.put(eventId, recording.records().get(eventId));
            }
        }
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (String userId : userIds) {
            Recording recording = byUser.get(userId);
            if (recording != null) {
                writes.add(recording.written());
            }
        }
        return new Earlier(records, writes);
    }

    void add(Recording recording) {
        recording.records().keySet().forEach(eventId -> byEventId.put(eventId, recording));
        recording.userIds().forEach(userId -> byUser.put(userId, recording));
    }

    void remove(Recording recording) {
        recording.records().keySet().forEach(eventId -> byEventId.remove(eventId, recording));
        recording.userIds().forEach(userId -> byUser.remove(userId, recording));
    }

    /** What a batch must know of the records still being written for its events and users. */
    record Earlier(Map<String, Map<String, AttributeValue>> records, List<CompletableFuture<Void>> writes) {

        /** Returns once they are all written, or throws if one was given up. */
        void awaitWritten() {
            try {
                CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while an earlier batch's records were written", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("An earlier batch's records were given up", e.getCause());
            }
        }
    }
}

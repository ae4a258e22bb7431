package dev.wallet.store;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The records of this instance's batches still being written, by eventId and by user. A consumer's next batch of
 * the same users starts only after the commit, but after a rebalance another consumer of this instance may read
 * and decide a batch of them meanwhile: it finds the records here, and waits for them before it writes a wallet,
 * since a wallet write replaces {@code last_run}, whose events must be recorded first.
 * If their write failed, the waiting batch fails too, and its retry writes them again.
 * Records given up when the service stops stay here, so that no later batch of their users writes a wallet.
 */
final class PendingRecords {

    private static final String NOT_WRITTEN = "An earlier batch's records could not be written";

    private final Map<String, Recording> byEventId = new ConcurrentHashMap<>();
    // Several per user: after a rebalance, two consumers of this instance may each have a batch of one user.
    private final Map<String, Set<Recording>> byUser = new ConcurrentHashMap<>();

    /**
     * The records being written for these eventIds, and the writes to wait for before writing these users'
     * wallets: theirs, and those of every record found. Looked up before the events table is read: a record no
     * longer here by then is there.
     */
    Earlier earlier(Collection<String> userIds, Collection<String> eventIds) {
        Set<Recording> writes = new HashSet<>();
        for (String userId : userIds) {
            writes.addAll(byUser.getOrDefault(userId, Set.of()));
        }
        Map<String, Map<String, AttributeValue>> records = new HashMap<>();
        for (String eventId : eventIds) {
            Recording recording = byEventId.get(eventId);
            if (recording != null) {
                records.put(eventId, recording.records().get(eventId));
                writes.add(recording);
            }
        }
        return new Earlier(records, writes);
    }

    void add(Recording recording) {
        recording.userIds().forEach(userId -> byUser.merge(userId, Set.of(recording), PendingRecords::union));
        recording.records().keySet().forEach(eventId -> byEventId.put(eventId, recording));
    }

    void remove(Recording recording) {
        recording.records().keySet().forEach(eventId -> byEventId.remove(eventId, recording));
        recording.userIds().forEach(userId -> byUser.computeIfPresent(userId, (user, pending) -> {
            Set<Recording> left = new HashSet<>(pending);
            left.remove(recording);
            return left.isEmpty() ? null : Set.copyOf(left);
        }));
    }

    private static Set<Recording> union(Set<Recording> pending, Set<Recording> added) {
        Set<Recording> all = new HashSet<>(pending);
        all.addAll(added);
        return Set.copyOf(all);
    }

    /** Fails saying whether the records were given up or their write failed. */
    private static CompletableFuture<Void> writtenOrFailed(Recording recording) {
        return recording.writtenOrFailed().exceptionally(failure -> {
            throw new IllegalStateException(recording.written().isCompletedExceptionally()
                    ? "An earlier batch's records were given up"
                    : NOT_WRITTEN,
                    failure instanceof CompletionException ? failure.getCause() : failure);
        });
    }

    /** What a batch must know of the records still being written for its events and users. */
    record Earlier(Map<String, Map<String, AttributeValue>> records, Set<Recording> writes) {

        /**
         * Returns once they are all written, or throws if one was given up or its write failed: the batch is then
         * retried, and its next try writes them again ({@link Recording#writtenOrFailed}).
         */
        void awaitWritten() {
            try {
                CompletableFuture.allOf(writes.stream().map(PendingRecords::writtenOrFailed)
                        .toArray(CompletableFuture[]::new)).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while an earlier batch's records were written", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IllegalStateException failure ? failure
                        : new IllegalStateException(NOT_WRITTEN, e.getCause());
            }
        }
    }
}

package dev.wallet.store;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The records of a batch's outcomes, being written after its wallets. Until they are written, a later batch of the
 * same users finds them here rather than in the events table, and waits for them before it writes a wallet
 * ({@link PendingRecords}). The batch may be acknowledged only once they are written.
 */
public final class Recording {

    private final Map<String, Map<String, AttributeValue>> records;
    private final Set<String> userIds;
    private final Function<List<Map<String, AttributeValue>>, CompletableFuture<Void>> writer;
    private final PendingRecords pending;
    private final CompletableFuture<Void> written = new CompletableFuture<>();
    private CompletableFuture<Void> attempt;
    private boolean givingUp;

    Recording(Map<String, Map<String, AttributeValue>> records, Set<String> userIds,
            Function<List<Map<String, AttributeValue>>, CompletableFuture<Void>> writer, PendingRecords pending) {
        this.records = records;
        this.userIds = userIds;
        this.writer = writer;
        this.pending = pending;
    }

    /** Nothing to record: written already. */
    static Recording done() {
        Recording done = new Recording(Map.of(), Set.of(), null, null);
        done.written.complete(null);
        done.attempt = done.written;
        return done;
    }

    /** The write in progress, or a new one if the last failed: completes once the records are written. */
    public synchronized CompletionStage<Void> write() {
        retryIfFailed();
        return attempt.copy();
    }

    /**
     * Gives up on them (the service stops): they stay pending, so that every later batch of these users fails
     * instead of replacing a {@code last_run} whose events are not recorded; this batch, never acknowledged, is
     * its partition's next owner's to process again.
     */
    public void abandon(Throwable cause) {
        written.completeExceptionally(cause);
    }

    /**
     * Completes once the records are written, or fails: they were given up, or the write in progress failed. A
     * failed write is started again first, so a later batch of these users that waits here writes them itself
     * through its own retries, even if this batch no longer retries (its consumer stopped on a bug).
     */
    synchronized CompletableFuture<Void> writtenOrFailed() {
        if (written.isDone() || givingUp || attempt == null) {
            // Written, or given up (or being given up: the start failed), which the batch that owns them completes.
            return written;
        }
        retryIfFailed();
        return CompletableFuture.anyOf(written, attempt).thenRun(() -> {
        });
    }

    /** Pending from now on, and started in the same step: a batch that finds it here finds it started. */
    synchronized void start() {
        pending.add(this);
        attempt();
    }

    private void retryIfFailed() {
        if (!givingUp && !written.isDone() && attempt.isCompletedExceptionally()) {
            attempt();
        }
    }

    private void attempt() {
        attempt = writer.apply(List.copyOf(records.values())).thenRun(() -> {
            pending.remove(this);
            written.complete(null);
        });
    }

    /** Gives up once the write in progress ended: its batch failed before its outcomes were all published. */
    void abandonOnceEnded(Throwable cause) {
        CompletableFuture<Void> current;
        synchronized (this) {
            // No batch that waits for them may start another write from now on.
            givingUp = true;
            current = attempt;
        }
        if (current != null) {
            current.handle((ignored, failure) -> null).join();
        }
        // The batch is processed again, from its first event of each user: it must not find them pending.
        pending.remove(this);
        abandon(cause);
    }

    Map<String, Map<String, AttributeValue>> records() {
        return records;
    }

    Set<String> userIds() {
        return userIds;
    }

    CompletableFuture<Void> written() {
        return written;
    }
}

package dev.wallet.messaging;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * The batches of one channel copy (one consumer, so its partitions), processed one at a time and in order; the
 * batches that arrived while one was processed are processed next as one, up to {@code maxRecords} records. Each
 * processing pays a few DynamoDB round trips whatever its size: a consumer that fell behind for a moment (a pause,
 * a slow request) catches up in one of them instead of one per poll.
 */
final class BatchLane {

    private static final CompletionStage<Void> ROOM = CompletableFuture.completedFuture(null);

    private final int maxRecords;
    private final Consumer<List<KafkaRecordBatch<String, byte[]>>> process;
    private final Executor executor;
    private final Deque<KafkaRecordBatch<String, byte[]>> waiting = new ArrayDeque<>();
    private int waitingRecords;
    private boolean draining;
    private CompletableFuture<Void> room;

    /** {@code process} returns once the batches are processed, or throws to stop this lane for good. */
    BatchLane(int maxRecords, Consumer<List<KafkaRecordBatch<String, byte[]>>> process, Executor executor) {
        this.maxRecords = maxRecords;
        this.process = process;
        this.executor = executor;
    }

    /**
     * Queues the batch; completes when the lane can take the next one, which bounds what waits here to about
     * {@code maxRecords} records (the connector then queues its own polls and pauses its consumer).
     */
    synchronized CompletionStage<Void> offer(KafkaRecordBatch<String, byte[]> batch) {
        waiting.add(batch);
        waitingRecords += batch.getRecords().size();
        if (!draining) {
            draining = true;
            executor.execute(this::drain);
        }
        if (waitingRecords < maxRecords) {
            return ROOM;
        }
        room = new CompletableFuture<>();
        return room;
    }

    private void drain() {
        try {
            for (List<KafkaRecordBatch<String, byte[]>> next = take(); next != null; next = take()) {
                process.accept(next);
            }
        } catch (RuntimeException e) {
            // Stays draining: a later batch of these partitions must not be processed before this one.
            Log.infof("A batch lane stopped, its batches are left unacknowledged for their next owner: %s", e);
        }
    }

    private List<KafkaRecordBatch<String, byte[]>> take() {
        CompletableFuture<Void> freed;
        List<KafkaRecordBatch<String, byte[]>> next = new ArrayList<>();
        synchronized (this) {
            int records = 0;
            while (!waiting.isEmpty()
                    && (next.isEmpty() || records + waiting.peek().getRecords().size() <= maxRecords)) {
                KafkaRecordBatch<String, byte[]> batch = waiting.poll();
                records += batch.getRecords().size();
                next.add(batch);
            }
            if (next.isEmpty()) {
                draining = false;
                return null;
            }
            waitingRecords -= records;
            freed = waitingRecords < maxRecords ? room : null;
            if (freed != null) {
                room = null;
            }
        }
        // Outside the lock: completing lets the connector hand over its next batch, which calls offer.
        if (freed != null) {
            freed.complete(null);
        }
        return next;
    }
}

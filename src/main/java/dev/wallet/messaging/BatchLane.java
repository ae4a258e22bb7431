package dev.wallet.messaging;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import org.apache.kafka.common.header.Header;

import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;

/**
 * The batches of one channel copy (one consumer, so its partitions), started in order. Up to {@code maxInFlight}
 * are processed at once, as long as they share no record key (a userId): a user's events are processed one batch
 * at a time, in order, while another user's do not wait for them. A batch's users are free for their next batch
 * once its stage completes (its records written, its outputs committed). The batches that queued up meanwhile
 * start as one, up to {@code maxRecords} records and {@code maxBytes} bytes, never across a rebalance (a
 * batch's polls share the consumer group generation its transaction commits with). Each processing pays a few
 * DynamoDB round trips whatever its size: a consumer that fell behind for a moment (a pause, a slow request)
 * catches up in one of them instead of one per poll. Each batch gets its {@link Turn} to commit, in start order.
 */
final class BatchLane {

    /** Processes batches; see {@link BatchLane#BatchLane}. */
    @FunctionalInterface
    interface Processing {
        /** {@code queuedSince} is when the first of {@code batches} was offered, by {@link System#nanoTime}. */
        CompletionStage<Void> process(List<KafkaRecordBatch<String, byte[]>> batches, Turn turn, long queuedSince);
    }

    /** Told when the lane stops for good: a batch failed, and nothing of this consumer is processed anymore. */
    @FunctionalInterface
    interface Stopped {
        void stopped(List<KafkaRecordBatch<String, byte[]>> batches, Throwable cause);
    }

    private static final CompletionStage<Void> ROOM = CompletableFuture.completedFuture(null);
    /** About what the Kafka client's objects for one header take beside its key and value. */
    private static final int HEADER_OBJECTS = 100;

    private final int maxRecords;
    private final long maxBytes;
    private final int maxInFlight;
    private final Processing process;
    private final Executor executor;
    private final Stopped stopped;
    private final Deque<Waiting> waiting = new ArrayDeque<>();
    private final Set<String> busyKeys = new HashSet<>();
    private int waitingRecords;
    private long waitingBytes;
    private int inFlight;
    private boolean failed;
    private CompletableFuture<Void> room;
    private Turn turn = Turn.first();

    /**
     * {@code process}'s stage completes once the batches are done, when the next batch of the same users may start;
     * it may fail, to stop this lane for good, which {@code stopped} is told.
     */
    BatchLane(int maxRecords, long maxBytes, int maxInFlight, Processing process, Executor executor,
            Stopped stopped) {
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
        this.maxInFlight = maxInFlight;
        this.process = process;
        this.executor = executor;
        this.stopped = stopped;
    }

    /**
     * Queues the batch; completes when the lane can take the next one, which bounds what waits here to about
     * {@code maxRecords} records and {@code maxBytes} bytes (the connector then queues its own polls and pauses its
     * consumer).
     */
    CompletionStage<Void> offer(KafkaRecordBatch<String, byte[]> batch) {
        Waiting queued = new Waiting(batch, keys(batch), bytes(batch), generation(batch), System.nanoTime());
        CompletableFuture<Void> waitForRoom = null;
        synchronized (this) {
            waiting.add(queued);
            waitingRecords += batch.getRecords().size();
            waitingBytes += queued.bytes();
            startWhatCan();
            if (full()) {
                room = new CompletableFuture<>();
                waitForRoom = room;
            }
        }
        return waitForRoom == null ? ROOM : waitForRoom;
    }

    /**
     * Starts the batches at the head of the queue, in order, while there is a free slot and the next one's keys are
     * not busy: a batch whose user is still being processed waits, and so does everything after it.
     */
    private void startWhatCan() {
        while (!failed && inFlight < maxInFlight && !waiting.isEmpty()) {
            List<KafkaRecordBatch<String, byte[]>> next = new ArrayList<>();
            Set<String> keys = new HashSet<>();
            int records = 0;
            long bytes = 0;
            int generation = waiting.peek().generation();
            long queuedSince = waiting.peek().offeredAt();
            for (Waiting queued : waiting) {
                int size = queued.batch().getRecords().size();
                if ((!next.isEmpty() && (records + size > maxRecords || bytes + queued.bytes() > maxBytes
                        || queued.generation() != generation)) || !Collections.disjoint(busyKeys, queued.keys())) {
                    break;
                }
                next.add(queued.batch());
                keys.addAll(queued.keys());
                records += size;
                bytes += queued.bytes();
            }
            if (next.isEmpty()) {
                return;
            }
            next.forEach(started -> waiting.poll());
            waitingRecords -= records;
            waitingBytes -= bytes;
            busyKeys.addAll(keys);
            inFlight++;
            Turn mine = turn;
            turn = turn.next();
            executor.execute(() -> run(next, keys, mine, queuedSince));
        }
    }

    private void run(List<KafkaRecordBatch<String, byte[]>> batches, Set<String> keys, Turn mine, long queuedSince) {
        CompletableFuture<Void> finished;
        try {
            finished = process.process(batches, mine, queuedSince).toCompletableFuture();
        } catch (RuntimeException | Error e) {
            finished = CompletableFuture.failedFuture(e);
        }
        // Its users stay busy until its records are written and its outputs committed: a rejection writes no
        // wallet, so until then nothing durable says it came before their next events (a crash would let it be
        // decided again after them). A failed batch keeps them busy, and nothing more starts.
        finished.whenComplete((ignored, e) -> {
            if (e == null) {
                synchronized (this) {
                    busyKeys.removeAll(keys);
                    inFlight--;
                }
                startNext();
            } else {
                synchronized (this) {
                    failed = true;
                }
                stopped.stopped(batches, e);
            }
        });
    }

    private void startNext() {
        CompletableFuture<Void> freed;
        synchronized (this) {
            startWhatCan();
            freed = full() ? null : room;
            if (freed != null) {
                room = null;
            }
        }
        // Outside the lock: completing lets the connector hand over its next batch, which calls offer.
        if (freed != null) {
            freed.complete(null);
        }
    }

    private boolean full() {
        return waitingRecords >= maxRecords || waitingBytes >= maxBytes;
    }

    /** Computed once, when offered: a batch may be looked at many times while it waits behind a busy user. */
    private record Waiting(KafkaRecordBatch<String, byte[]> batch, Set<String> keys, long bytes, int generation,
            long offeredAt) {
    }

    /**
     * About what it holds in memory: its keys (mostly ASCII), values and headers, which count towards Kafka's record
     * size limit too, each header with the objects the client makes of it.
     */
    private static long bytes(KafkaRecordBatch<String, byte[]> batch) {
        long bytes = 0;
        for (KafkaRecord<String, byte[]> record : batch) {
            bytes += (record.getKey() == null ? 0 : record.getKey().length())
                    + (record.getPayload() == null ? 0 : record.getPayload().length);
            for (Header header : record.getHeaders()) {
                bytes += HEADER_OBJECTS + header.key().length() + (header.value() == null ? 0 : header.value().length);
            }
        }
        return bytes;
    }

    private static int generation(KafkaRecordBatch<String, byte[]> batch) {
        return batch.getMetadata(IncomingKafkaRecordBatchMetadata.class)
                .map(IncomingKafkaRecordBatchMetadata::getConsumerGroupGenerationId).orElse(-1);
    }

    private static Set<String> keys(KafkaRecordBatch<String, byte[]> batch) {
        Set<String> keys = new HashSet<>();
        for (KafkaRecord<String, byte[]> record : batch) {
            if (record.getKey() != null) {
                keys.add(record.getKey());
            }
        }
        return keys;
    }
}

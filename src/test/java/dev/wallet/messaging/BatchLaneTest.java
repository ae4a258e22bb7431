package dev.wallet.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/** How one consumer's batches are handed to processing: one at a time, in order, those that queued up together. */
class BatchLaneTest {

    private static final TopicPartition PARTITION = new TopicPartition("wallet-events", 0);

    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final List<List<KafkaRecordBatch<String, byte[]>>> processed = new CopyOnWriteArrayList<>();
    private final CountDownLatch firstMayEnd = new CountDownLatch(1);
    private long nextOffset;

    @AfterEach
    void stop() {
        firstMayEnd.countDown();
        executor.shutdownNow();
    }

    @Test
    void batchesQueuedWhileOneIsProcessedAreProcessedNextTogetherInOrder() {
        BatchLane lane = new BatchLane(500, this::firstWaits, executor);
        KafkaRecordBatch<String, byte[]> first = batch(1);
        KafkaRecordBatch<String, byte[]> second = batch(2);
        KafkaRecordBatch<String, byte[]> third = batch(3);

        offerWhileTheFirstIsProcessed(lane, first, List.of(second, third));

        await().until(() -> processed.size() == 2);
        assertThat(processed).containsExactly(List.of(first), List.of(second, third));
    }

    @Test
    void batchesQueuedTogetherAreProcessedInTurnsOfAtMostMaxRecords() {
        BatchLane lane = new BatchLane(5, this::firstWaits, executor);
        KafkaRecordBatch<String, byte[]> first = batch(1);
        KafkaRecordBatch<String, byte[]> second = batch(2);
        KafkaRecordBatch<String, byte[]> third = batch(2);
        KafkaRecordBatch<String, byte[]> fourth = batch(2);

        offerWhileTheFirstIsProcessed(lane, first, List.of(second, third, fourth));

        await().until(() -> processed.size() == 3);
        assertThat(processed).containsExactly(List.of(first), List.of(second, third), List.of(fourth));
    }

    @Test
    void theNextBatchIsTakenOnlyOnceTheQueuedRecordsFallBelowMaxRecords() {
        BatchLane lane = new BatchLane(5, this::firstWaits, executor);

        lane.offer(batch(1));
        await().until(() -> processed.size() == 1);
        CompletionStage<Void> room = lane.offer(batch(5));

        assertThat(room.toCompletableFuture()).isNotDone();
        firstMayEnd.countDown();
        await().until(() -> room.toCompletableFuture().isDone());
    }

    @Test
    void aLaneWhoseProcessingFailedProcessesNothingMore() throws Exception {
        BatchLane lane = new BatchLane(500, batches -> {
            processed.add(batches);
            throw new IllegalStateException("shutting down");
        }, executor);
        KafkaRecordBatch<String, byte[]> first = batch(1);

        lane.offer(first);
        await().until(() -> processed.size() == 1);
        lane.offer(batch(1));
        // The executor runs tasks in order: a drain submitted by the second offer would run before this.
        executor.submit(() -> null).get(10, TimeUnit.SECONDS);

        assertThat(processed).containsExactly(List.of(first));
    }

    private void offerWhileTheFirstIsProcessed(BatchLane lane, KafkaRecordBatch<String, byte[]> first,
            List<KafkaRecordBatch<String, byte[]>> queued) {
        lane.offer(first);
        await().until(() -> processed.size() == 1);
        queued.forEach(lane::offer);
        firstMayEnd.countDown();
    }

    private void firstWaits(List<KafkaRecordBatch<String, byte[]>> batches) {
        processed.add(batches);
        if (processed.size() == 1) {
            try {
                firstMayEnd.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private KafkaRecordBatch<String, byte[]> batch(int records) {
        List<ConsumerRecord<String, byte[]>> polled = IntStream.range(0, records)
                .mapToObj(i -> new ConsumerRecord<>(PARTITION.topic(), PARTITION.partition(), nextOffset++, "user",
                        new byte[0]))
                .toList();
        return new IncomingKafkaRecordBatch<>(new ConsumerRecords<>(Map.of(PARTITION, polled)), "wallet-events", -1,
                null, null, false, false);
    }
}

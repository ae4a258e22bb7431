package dev.wallet.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.impl.KafkaRecordHelper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How one consumer's batches are handed to processing: in order, a user's one at a time, other users' alongside,
 * those that queued up together, each holding its place until it is done.
 */
class BatchLaneTest {

    private static final TopicPartition PARTITION = new TopicPartition("wallet-events", 0);
    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger ended = new AtomicInteger();
    private final Executor executor = task -> {
        started.incrementAndGet();
        pool.execute(() -> {
            task.run();
            ended.incrementAndGet();
        });
    };
    private final List<List<KafkaRecordBatch<String, byte[]>>> processed = new CopyOnWriteArrayList<>();
    private final List<Long> queuedSinces = new CopyOnWriteArrayList<>();
    private final List<Map.Entry<List<KafkaRecordBatch<String, byte[]>>, Throwable>> stops = new CopyOnWriteArrayList<>();
    private final CountDownLatch firstMayEnd = new CountDownLatch(1);
    private long nextOffset;

    @AfterEach
    void stop() {
        firstMayEnd.countDown();
        pool.shutdownNow();
    }

    @Test
    void batchesQueuedWhileOneIsProcessedAreProcessedNextTogetherInOrder() {
        BatchLane lane = new BatchLane(500, Long.MAX_VALUE, 2, this::firstWaits, executor, this::stopped);
        KafkaRecordBatch<String, byte[]> first = batch(1);
        KafkaRecordBatch<String, byte[]> second = batch(2);
        KafkaRecordBatch<String, byte[]> third = batch(3);

        assertThat(processedInTurns(lane, first, List.of(second, third), 2)).containsExactly(List.of(first),
                List.of(second, third));
    }

    @Test
    void batchesQueuedTogetherAreProcessedInTurnsOfAtMostMaxRecords() {
        BatchLane lane = new BatchLane(5, Long.MAX_VALUE, 2, this::firstWaits, executor, this::stopped);
        KafkaRecordBatch<String, byte[]> first = batch(1);
        KafkaRecordBatch<String, byte[]> second = batch(2);
        KafkaRecordBatch<String, byte[]> third = batch(2);
        KafkaRecordBatch<String, byte[]> fourth = batch(2);

        assertThat(processedInTurns(lane, first, List.of(second, third, fourth), 3)).containsExactly(List.of(first),
                List.of(second, third), List.of(fourth));
    }

    @Test
    void theNextBatchIsTakenOnlyOnceTheQueuedRecordsFallBelowMaxRecords() {
        BatchLane lane = new BatchLane(5, Long.MAX_VALUE, 2, this::firstWaits, executor, this::stopped);

        assertNoRoomWhileTheFirstIsProcessed(lane, batch(1), batch(5));
    }

    @Test
    void batchesQueuedTogetherAreProcessedInTurnsOfAtMostMaxBytes() {
        BatchLane lane = new BatchLane(500, 1000, 2, this::firstWaits, executor, this::stopped);
        KafkaRecordBatch<String, byte[]> first = sized(10);
        KafkaRecordBatch<String, byte[]> second = sized(400);
        KafkaRecordBatch<String, byte[]> third = sized(400);
        KafkaRecordBatch<String, byte[]> fourth = sized(400);

        assertThat(processedInTurns(lane, first, List.of(second, third, fourth), 3)).containsExactly(List.of(first),
                List.of(second, third), List.of(fourth));
    }

    @Test
    void headersCountTowardsMaxBytesAsValuesDo() {
        BatchLane lane = new BatchLane(500, 1000, 2, this::firstWaits, executor, this::stopped);
        KafkaRecordBatch<String, byte[]> first = sized(10);
        KafkaRecordBatch<String, byte[]> second = headed(600);
        KafkaRecordBatch<String, byte[]> third = headed(600);

        assertThat(processedInTurns(lane, first, List.of(second, third), 3)).containsExactly(List.of(first), List.of(second),
                List.of(third));
    }

    @Test
    void theNextBatchIsTakenOnlyOnceTheQueuedBytesFallBelowMaxBytes() {
        BatchLane lane = new BatchLane(500, 1000, 2, this::firstWaits, executor, this::stopped);

        assertNoRoomWhileTheFirstIsProcessed(lane, sized(10), sized(1000));
    }

    @Test
    void pollsOfTwoConsumerGroupGenerationsAreNeverProcessedTogether() {
        BatchLane lane = new BatchLane(500, Long.MAX_VALUE, 2, this::firstWaits, executor, this::stopped);
        KafkaRecordBatch<String, byte[]> first = polledIn(1);
        KafkaRecordBatch<String, byte[]> second = polledIn(1);
        KafkaRecordBatch<String, byte[]> third = polledIn(2);

        assertThat(processedInTurns(lane, first, List.of(second, third), 3)).containsExactly(List.of(first), List.of(second),
                List.of(third));
    }

    @Test
    void anotherUsersBatchIsProcessedWhileOneIsProcessed() {
        BatchLane lane = new BatchLane(500, Long.MAX_VALUE, 2, this::firstWaits, executor, this::stopped);
        KafkaRecordBatch<String, byte[]> first = batch(1, "alice");
        KafkaRecordBatch<String, byte[]> second = batch(1, "bob");

        lane.offer(first);
        await().until(() -> processed.size() == 1);
        lane.offer(second);

        await().until(() -> processed.size() == 2);
        assertThat(processed).containsExactly(List.of(first), List.of(second));
    }

    @Test
    void aBatchWithAUserBeingProcessedWaitsForItAndSoDoesEverythingAfterIt() {
        BatchLane lane = new BatchLane(500, Long.MAX_VALUE, 2, this::firstWaits, executor, this::stopped);
        KafkaRecordBatch<String, byte[]> first = batch(1, "alice");
        KafkaRecordBatch<String, byte[]> second = batch(1, "bob", "alice");
        KafkaRecordBatch<String, byte[]> third = batch(1, "carol");

        lane.offer(first);
        await().until(() -> processed.size() == 1);
        lane.offer(second);
        lane.offer(third);

        assertThat(started).hasValue(1);
        firstMayEnd.countDown();
        await().until(() -> processed.size() == 2);
        assertThat(processed).containsExactly(List.of(first), List.of(second, third));
    }

    @Test
    void batchesQueuedTogetherAreTimedFromWhenTheFirstOfThemWasOffered() {
        BatchLane lane = new BatchLane(500, Long.MAX_VALUE, 2, this::firstWaits, executor, this::stopped);
        lane.offer(batch(1));
        await().until(() -> processed.size() == 1);

        long beforeSecond = System.nanoTime();
        lane.offer(batch(1));
        long afterSecond = System.nanoTime();
        lane.offer(batch(1));
        firstMayEnd.countDown();

        await().until(() -> processed.size() == 2);
        assertThat(processed.get(1)).hasSize(2);
        assertThat(queuedSinces.get(1)).isBetween(beforeSecond, afterSecond);
    }

    @Test
    void atMostMaxInFlightBatchesAreProcessedAtOnce() {
        CountDownLatch mayEnd = new CountDownLatch(1);
        BatchLane lane = new BatchLane(500, Long.MAX_VALUE, 2, (batches, turn, queuedSince) -> {
            processed.add(batches);
            awaitQuietly(mayEnd);
            return DONE;
        }, executor, this::stopped);

        lane.offer(batch(1, "alice"));
        lane.offer(batch(1, "bob"));
        lane.offer(batch(1, "carol"));

        assertThat(started).hasValue(2);
        mayEnd.countDown();
        await().until(() -> processed.size() == 3);
    }

    @Test
    void aBatchsUsersStayBusyUntilItsStageCompletes() {
        List<CompletableFuture<Void>> stages = new CopyOnWriteArrayList<>();
        BatchLane lane = new BatchLane(500, Long.MAX_VALUE, 2, (batches, turn, queuedSince) -> {
            processed.add(batches);
            CompletableFuture<Void> stage = new CompletableFuture<>();
            stages.add(stage);
            return stage;
        }, executor, this::stopped);
        KafkaRecordBatch<String, byte[]> first = batch(1, "alice");
        KafkaRecordBatch<String, byte[]> second = batch(1, "alice");

        lane.offer(first);
        await().until(() -> processed.size() == 1);
        lane.offer(second);

        await().during(Duration.ofMillis(300)).until(() -> processed.size() == 1);
        stages.get(0).complete(null);
        await().until(() -> processed.size() == 2);
        assertThat(processed).containsExactly(List.of(first), List.of(second));
    }

    @Test
    void batchesCommitInTheOrderTheyStartedWhateverOrderTheyFinish() {
        List<String> tookTurn = new CopyOnWriteArrayList<>();
        List<String> committed = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> alicesCommitMayEnd = new CompletableFuture<>();
        BatchLane lane = new BatchLane(500, Long.MAX_VALUE, 2, (batches, turn, queuedSince) -> {
            String user = batches.get(0).getRecords().get(0).getKey();
            tookTurn.add(user);
            return turn.take(() -> {
                committed.add(user);
                return user.equals("alice") ? alicesCommitMayEnd : DONE;
            });
        }, executor, this::stopped);

        lane.offer(batch(1, "alice"));
        await().until(() -> committed.size() == 1);
        lane.offer(batch(1, "bob"));
        await().until(() -> tookTurn.size() == 2);

        assertThat(committed).containsExactly("alice");
        alicesCommitMayEnd.complete(null);
        await().until(() -> committed.size() == 2);
        assertThat(committed).containsExactly("alice", "bob");
    }

    @Test
    void aLaneWhoseBatchFailedAfterReturningProcessesNothingMore() {
        assertNothingMoreAfterTheFirstFails(new IllegalStateException("shutting down"),
                (batches, turn, queuedSince) -> CompletableFuture.failedFuture(new IllegalStateException("shutting down")));
    }

    @Test
    void aLaneWhoseProcessingFailedProcessesNothingMore() {
        assertNothingMoreAfterTheFirstFails(new IllegalStateException("shutting down"),
                (batches, turn, queuedSince) -> {
                    throw new IllegalStateException("shutting down");
                });
    }

    @Test
    void aLaneWhoseProcessingThrewAnErrorProcessesNothingMore() {
        assertNothingMoreAfterTheFirstFails(new AssertionError("a bug"), (batches, turn, queuedSince) -> {
            throw new AssertionError("a bug");
        });
    }

    /** And the lane says so once, with the batch and its cause: nothing else would tell that it stopped. */
    private void assertNothingMoreAfterTheFirstFails(Throwable cause, BatchLane.Processing failing) {
        BatchLane lane = new BatchLane(500, Long.MAX_VALUE, 2, (batches, turn, queuedSince) -> {
            processed.add(batches);
            return failing.process(batches, turn, queuedSince);
        }, executor, this::stopped);
        KafkaRecordBatch<String, byte[]> first = batch(1, "alice");

        lane.offer(first);
        await().until(() -> processed.size() == 1 && ended.get() == 1);
        lane.offer(batch(1, "bob"));

        assertThat(started).hasValue(1);
        assertThat(processed).containsExactly(List.of(first));
        assertThat(stops).singleElement().satisfies(stop -> {
            assertThat(stop.getKey()).containsExactly(first);
            assertThat(stop.getValue()).hasMessage(cause.getMessage()).isInstanceOf(cause.getClass());
        });
    }

    private void stopped(List<KafkaRecordBatch<String, byte[]>> batches, Throwable cause) {
        stops.add(Map.entry(batches, cause));
    }

    /** Offers {@code queued} while {@code first} is processed; what was processed, once in {@code turns} turns. */
    private List<List<KafkaRecordBatch<String, byte[]>>> processedInTurns(BatchLane lane,
            KafkaRecordBatch<String, byte[]> first, List<KafkaRecordBatch<String, byte[]>> queued, int turns) {
        lane.offer(first);
        await().until(() -> processed.size() == 1);
        queued.forEach(lane::offer);
        firstMayEnd.countDown();
        await().until(() -> processed.size() == turns);
        return processed;
    }

    /** {@code next}, of the same user, fills the lane: it takes no more until {@code first} ends and next starts. */
    private void assertNoRoomWhileTheFirstIsProcessed(BatchLane lane, KafkaRecordBatch<String, byte[]> first,
            KafkaRecordBatch<String, byte[]> next) {
        lane.offer(first);
        await().until(() -> processed.size() == 1);
        CompletionStage<Void> room = lane.offer(next);

        assertThat(room.toCompletableFuture()).isNotDone();
        firstMayEnd.countDown();
        await().until(() -> room.toCompletableFuture().isDone());
    }

    private CompletionStage<Void> firstWaits(List<KafkaRecordBatch<String, byte[]>> batches, Turn turn,
            long queuedSince) {
        processed.add(batches);
        queuedSinces.add(queuedSince);
        if (processed.size() == 1) {
            awaitQuietly(firstMayEnd);
        }
        return DONE;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records of one user, so that batches made with it are processed one at a time. */
    private KafkaRecordBatch<String, byte[]> batch(int records) {
        return batch(records, "user");
    }

    /** Records of these users, one after the other, and the last one's until there are {@code records}. */
    private KafkaRecordBatch<String, byte[]> batch(int records, String... users) {
        return batch(records, 0, users);
    }

    /** One record of an empty key and a value of {@code bytes} bytes. */
    private KafkaRecordBatch<String, byte[]> sized(int bytes) {
        return batch(1, bytes, "");
    }

    /** One record of an empty key and value, with a header of {@code bytes} bytes. */
    private KafkaRecordBatch<String, byte[]> headed(int bytes) {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(PARTITION.topic(), PARTITION.partition(),
                nextOffset++, "", new byte[0]);
        record.headers().add("junk", new byte[bytes]);
        return new IncomingKafkaRecordBatch<>(new ConsumerRecords<>(Map.of(PARTITION, List.of(record))),
                "wallet-events", -1, null, null, false, false);
    }

    /** One record, polled in that consumer group generation, as the connector marks it. */
    private KafkaRecordBatch<String, byte[]> polledIn(int generation) {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(PARTITION.topic(), PARTITION.partition(),
                nextOffset++, "user", new byte[0]);
        record.headers().add(KafkaRecordHelper.SMALLRYE_GENERATION_ID,
                Integer.toString(generation).getBytes(StandardCharsets.UTF_8));
        return new IncomingKafkaRecordBatch<>(new ConsumerRecords<>(Map.of(PARTITION, List.of(record))),
                "wallet-events", -1, null, null, false, false);
    }

    private KafkaRecordBatch<String, byte[]> batch(int records, int valueBytes, String... users) {
        List<ConsumerRecord<String, byte[]>> polled = IntStream.range(0, Math.max(records, users.length))
                .mapToObj(i -> new ConsumerRecord<>(PARTITION.topic(), PARTITION.partition(), nextOffset++,
                        users[Math.min(i, users.length - 1)], new byte[valueBytes]))
                .toList();
        return new IncomingKafkaRecordBatch<>(new ConsumerRecords<>(Map.of(PARTITION, polled)), "wallet-events", -1,
                null, null, false, false);
    }
}

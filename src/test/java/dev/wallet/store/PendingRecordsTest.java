package dev.wallet.store;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What a batch learns of the records this instance is still writing: which to count as read, and which writes to
 * wait for before it writes a wallet. The records writes are futures completed by hand here, so every interleaving
 * is set up directly; how the store uses this against DynamoDB Local is in {@link WalletStoreTest}.
 */
class PendingRecordsTest {

    private final PendingRecords pending = new PendingRecords();

    @Test
    void aBatchWaitsForEveryPendingRecordingOfItsUsers() {
        // Two consumers of one instance may each hold a batch of a user after a rebalance.
        CompletableFuture<Void> firstWrite = new CompletableFuture<>();
        CompletableFuture<Void> secondWrite = new CompletableFuture<>();
        Recording first = started("alice", "e1", firstWrite);
        Recording second = started("alice", "e2", secondWrite);

        PendingRecords.Earlier earlier = pending.earlier(Set.of("alice"), Set.of("e3"));

        assertThat(earlier.writes()).containsExactlyInAnyOrder(first, second);
        assertThat(earlier.records()).isEmpty();
    }

    @Test
    void aRecordFoundByEventIdCountsAsReadAndIsWaitedFor() {
        // The same eventId redelivered under another user: its pending record decides it, once written.
        Recording alices = started("alice", "e1", new CompletableFuture<>());

        PendingRecords.Earlier earlier = pending.earlier(Set.of("bob"), Set.of("e1"));

        assertThat(earlier.records()).containsOnlyKeys("e1");
        assertThat(earlier.records().get("e1")).isEqualTo(record("alice", "e1"));
        assertThat(earlier.writes()).containsExactly(alices);
    }

    @Test
    void aWrittenRecordingIsNoLongerPending() {
        CompletableFuture<Void> write = new CompletableFuture<>();
        started("alice", "e1", write);

        write.complete(null);

        PendingRecords.Earlier earlier = pending.earlier(Set.of("alice"), Set.of("e1"));
        assertThat(earlier.writes()).isEmpty();
        assertThat(earlier.records()).isEmpty();
    }

    @Test
    void aBatchFailsIfAnyWriteItWaitsForIsGivenUp() {
        CompletableFuture<Void> firstWrite = new CompletableFuture<>();
        started("alice", "e1", firstWrite);
        Recording second = started("alice", "e2", new CompletableFuture<>());
        PendingRecords.Earlier earlier = pending.earlier(Set.of("alice"), Set.of());

        firstWrite.complete(null);
        CompletableFuture<Void> waiting = new CompletableFuture<>();
        Thread batch = new Thread(() -> {
            try {
                earlier.awaitWritten();
                waiting.complete(null);
            } catch (Throwable e) {
                waiting.completeExceptionally(e);
            }
        });
        batch.start();
        // The second write is given up only once the batch waits (or has wrongly stopped waiting).
        await().until(() -> batch.getState() == Thread.State.WAITING || !batch.isAlive());
        second.abandon(new IllegalStateException("the service stops"));

        // Bounded: the bug this catches is a waiter never woken up, which would hang the build.
        assertThat(waiting).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingRootCause()
                .withMessage("the service stops");
    }

    @Test
    void aBatchWaitingOnAFailedWriteWritesTheRecordsAgain() throws Exception {
        // Their own batch may no longer retry them (its consumer stopped on a bug): the waiting batch must.
        List<CompletableFuture<Void>> tries = List.of(CompletableFuture.failedFuture(new IllegalStateException(
                "DynamoDB unreachable")), CompletableFuture.completedFuture(null));
        AtomicInteger written = new AtomicInteger();
        Recording recording = new Recording(Map.of("e1", record("alice", "e1")), Set.of("alice"),
                records -> tries.get(written.getAndIncrement()), pending);
        recording.start();

        CompletableFuture.runAsync(pending.earlier(Set.of("alice"), Set.of())::awaitWritten).get(10, TimeUnit.SECONDS);

        assertThat(written).hasValue(2);
        assertThat(pending.earlier(Set.of("alice"), Set.of("e1")).writes()).isEmpty();
    }

    @Test
    void aBatchWaitingOnAWriteThatFailsFailsToBeRetried() {
        CompletableFuture<Void> write = new CompletableFuture<>();
        started("alice", "e1", write);
        PendingRecords.Earlier earlier = pending.earlier(Set.of("alice"), Set.of());
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(earlier::awaitWritten);

        write.completeExceptionally(new IllegalStateException("DynamoDB unreachable"));

        assertThat(waiting).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                .withMessageContaining("could not be written").havingRootCause().withMessage("DynamoDB unreachable");
    }

    @Test
    void recordsGivenUpStayPendingAndFailEveryLaterBatchOfTheirUsers() {
        Recording recording = started("alice", "e1", new CompletableFuture<>());

        recording.abandon(new IllegalStateException("the service stops"));

        PendingRecords.Earlier earlier = pending.earlier(Set.of("alice"), Set.of());
        assertThat(earlier.writes()).containsExactly(recording);
        assertThatThrownBy(earlier::awaitWritten)
                .hasMessage("An earlier batch's records were given up")
                .hasRootCauseMessage("the service stops");
    }

    private Recording started(String userId, String eventId, CompletableFuture<Void> write) {
        Recording recording = new Recording(Map.of(eventId, record(userId, eventId)), Set.of(userId),
                records -> write, pending);
        recording.start();
        return recording;
    }

    private static Map<String, AttributeValue> record(String userId, String eventId) {
        return Map.of("event_id", AttributeValue.fromS(eventId), "user_id", AttributeValue.fromS(userId));
    }
}

package dev.wallet.store;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchExecuteStatementResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementError;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Every write: decided runs to their wallets, and outcomes to the events table; the counterpart of
 * {@link WalletReads}.
 *
 * <h2>Wallets</h2>
 * Each conditional on the wallet its run was decided on: its version and last write. A batch's runs go as PartiQL
 * statements, {@value WalletRequests#MAX_STATEMENTS} per BatchExecuteStatement: each statement succeeds or fails
 * on its own, like an UpdateItem, at the same write units, for a 25th of the requests (docs/benchmarks.md). One
 * run alone, decided again after a conflict, is an UpdateItem, which also takes a wallet item that exists without
 * a version.
 *
 * <h2>Records</h2>
 * Unconditional puts, {@value WalletRequests#MAX_WRITE_ITEMS} per BatchWriteItem: the wallet write before them
 * already decided each event exactly once.
 */
@ApplicationScoped
class WalletWrites {

    private final DynamoDbClient dynamo;
    private final WalletRequests requests;
    private final StoreWorkers workers;
    private final StoreMetrics metrics;
    private final WalletCache cache;

    WalletWrites(DynamoDbClient dynamo, WalletRequests requests, StoreWorkers workers, StoreMetrics metrics,
            WalletCache cache) {
        this.dynamo = dynamo;
        this.requests = requests;
        this.workers = workers;
        this.metrics = metrics;
        this.cache = cache;
    }

    /**
     * Writes each user's run, every chunk in flight at once. Returns the users whose wallet another writer moved
     * (or created) since their run was decided: nothing was written for them.
     */
    Set<String> writeAll(Map<String, Run> runs) {
        List<Write> writes = runs.entrySet().stream()
                .map(entry -> Write.of(entry.getKey(), entry.getValue())).toList();
        List<Callable<Set<String>>> chunks = new ArrayList<>();
        for (List<Write> chunk : WalletRequests.chunks(writes, WalletRequests.MAX_STATEMENTS)) {
            chunks.add(() -> writeChunk(chunk));
        }
        Set<String> moved = new HashSet<>();
        workers.all(chunks).forEach(moved::addAll);
        return moved;
    }

    /** False when another writer moved the wallet since the run was decided. */
    boolean write(String userId, Run run) {
        metrics.request("UpdateItem");
        cache.forget(userId);
        Write write = Write.of(userId, run);
        try {
            dynamo.updateItem(requests.write(run.before(), write.item()));
            written(write);
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Writes the records, every chunk in flight at once; completes once all are written. */
    CompletableFuture<Void> records(List<Map<String, AttributeValue>> records) {
        List<Callable<Void>> chunks = new ArrayList<>();
        for (List<Map<String, AttributeValue>> chunk : WalletRequests.chunks(records, WalletRequests.MAX_WRITE_ITEMS)) {
            BatchWriteItemRequest request = requests.record(chunk);
            chunks.add(() -> recordAll(request));
        }
        return workers.start(chunks);
    }

    /** Writes the records one chunk after the other, on the calling thread. */
    void recordsHere(List<Map<String, AttributeValue>> records) {
        WalletRequests.chunks(records, WalletRequests.MAX_WRITE_ITEMS).forEach(chunk -> recordAll(requests.record(chunk)));
    }

    private Void recordAll(BatchWriteItemRequest request) {
        Resend.untilDone(request, next -> {
            metrics.request("BatchWriteItem");
            BatchWriteItemResponse response = dynamo.batchWriteItem(next);
            metrics.recordsWritten(requests.eventsTable(),
                    WriteUnits.ofPuts(next.requestItems()) - WriteUnits.ofPuts(response.unprocessedItems()));
            return response.unprocessedItems().isEmpty() ? null
                    : next.toBuilder().requestItems(response.unprocessedItems()).build();
        }, "records");
        return null;
    }

    // A statement DynamoDB did not run (throttled, busy) is sent again ({@link Resend}); one whose outcome is
    // unknown (an internal error) too: if it did run, the version moved, the condition fails, and the events are
    // found in last_run.
    private Set<String> writeChunk(List<Write> chunk) {
        Set<String> moved = new HashSet<>();
        Resend.untilDone(chunk, pending -> send(pending, moved), "wallet writes");
        return moved;
    }

    /** Returns the writes to send again, or null; adds those refused because their wallet moved to {@code moved}. */
    private List<Write> send(List<Write> pending, Set<String> moved) {
        metrics.request("BatchExecuteStatement");
        pending.forEach(write -> cache.forget(write.userId()));
        BatchExecuteStatementResponse response = dynamo.batchExecuteStatement(WalletRequests.writeAll(
                pending.stream().map(write -> requests.writeStatement(write.run().before(), write.item())).toList()));
        List<Write> again = new ArrayList<>();
        for (int i = 0; i < pending.size(); i++) {
            Write write = pending.get(i);
            BatchStatementError error = response.responses().get(i).error();
            if (error == null) {
                written(write);
                continue;
            }
            switch (error.code()) {
                case CONDITIONAL_CHECK_FAILED, DUPLICATE_ITEM -> moved.add(write.userId());
                case THROTTLING_ERROR, PROVISIONED_THROUGHPUT_EXCEEDED, REQUEST_LIMIT_EXCEEDED,
                        TRANSACTION_CONFLICT, INTERNAL_SERVER_ERROR ->
                    again.add(write);
                default -> throw new IllegalStateException("DynamoDB refused the write of wallet "
                        + write.userId() + ": " + error.codeAsString() + " " + error.message());
            }
        }
        return again.isEmpty() ? null : again;
    }

    private void written(Write write) {
        metrics.walletWritten(requests.walletTable(),
                WriteUnits.ofWallet(write.userId(), write.run().before(), write.item()),
                write.run().events().size());
        cache.put(write.userId(), write.after());
    }

    /** A run's wallet after it, and that wallet as the item written. */
    private record Write(String userId, Run run, Wallet after, Map<String, AttributeValue> item) {

        static Write of(String userId, Run run) {
            Wallet after = run.after();
            return new Write(userId, run, after, WalletItems.walletItem(userId, after));
        }
    }
}

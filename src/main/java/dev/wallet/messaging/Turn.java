package dev.wallet.messaging;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A batch's place in its lane's order of commits: its transaction runs once those of the batches started before it
 * in the lane have committed, so that a partition's offsets only move forward and none is committed past a record
 * whose outputs were not. A turn that never ends (its batch failed for good) holds every later one back.
 */
final class Turn {

    private final CompletionStage<Void> previous;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    private Turn(CompletionStage<Void> previous) {
        this.previous = previous;
    }

    static Turn first() {
        return new Turn(CompletableFuture.completedFuture(null));
    }

    /** The turn of the batch started after this one's. */
    Turn next() {
        return new Turn(ended);
    }

    /** Runs {@code work} once the earlier turns ended; this turn ends when it succeeds. */
    CompletionStage<Void> take(Supplier<CompletionStage<Void>> work) {
        return previous.thenCompose(ignored -> work.get()).thenRun(() -> ended.complete(null));
    }
}

package dev.wallet.store;

import java.time.Duration;
import java.util.function.UnaryOperator;

import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * Sends again what a batch request left undone (keys, items or statements DynamoDB throttled), as DynamoDB asks:
 * after a pause that grows exponentially, with jitter, so that a throttled partition gets time to recover instead
 * of the same burst at once. After a few tries the request fails, and the caller retries its step with its own,
 * longer backoff.
 */
final class Resend {

    private static final int MAX_ATTEMPTS = 5;
    // Random pauses under 25, 50, 100 and 200 ms (full jitter): under 400 ms in all before the batch fails.
    private static final BackoffStrategy BACKOFF = BackoffStrategy.exponentialDelay(Duration.ofMillis(25),
            Duration.ofMillis(200));

    private Resend() {
    }

    /**
     * Sends {@code request}, then what each send returns as left undone, until a send returns null.
     *
     * @param undone what is left undone, for the failure's message: "records", "wallet writes"...
     */
    static <R> void untilDone(R request, UnaryOperator<R> send, String undone) {
        R next = request;
        for (int attempt = 1;; attempt++) {
            next = send.apply(next);
            if (next == null) {
                return;
            }
            if (attempt == MAX_ATTEMPTS) {
                throw new IllegalStateException("DynamoDB left " + undone + " unprocessed " + MAX_ATTEMPTS
                        + " times");
            }
            pause(attempt + 1);
        }
    }

    private static void pause(int nextAttempt) {
        try {
            Thread.sleep(BACKOFF.computeDelay(nextAttempt).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting to send unprocessed requests again", e);
        }
    }
}

package dev.wallet;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * What became of one event. A record redelivered at its own offset gets its first outcome again, unchanged; the same
 * event in another record (a producer's retry) is a {@link Duplicate}.
 */
public sealed interface Outcome {

    String eventId();

    String userId();

    /** The event changed the wallet: {@code version} counts the events applied to it so far. */
    record Applied(WalletEvent event, BigDecimal balance, long version, Instant appliedAt) implements Outcome {
        @Override
        public String eventId() {
            return event.eventId();
        }

        @Override
        public String userId() {
            return event.userId();
        }
    }

    /** The event was refused; {@code balance} is the balance it was judged against, when that matters. */
    record Rejected(String eventId, String userId, RejectionReason reason, String detail, BigDecimal balance)
            implements
                Outcome {
    }

    /**
     * The event was decided from another record ({@code first}, at another offset): a producer sent it again. Its
     * first record's outcome stands, and nothing is published for this one.
     */
    record Duplicate(String eventId, String userId, Outcome first) implements Outcome {
    }
}

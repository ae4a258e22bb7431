package dev.wallet;

import java.math.BigDecimal;
import java.time.Instant;

/** What became of one event. A redelivered event gets its first outcome again, unchanged. */
public sealed interface Outcome {

    String userId();

    /** The event changed the wallet: {@code version} counts the events applied to it so far. */
    record Applied(WalletEvent event, BigDecimal balance, long version, Instant appliedAt) implements Outcome {
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
}

package dev.wallet.store;

import java.math.BigDecimal;
import java.time.Instant;

/** A wallet as the read API shows it: its balance, the events applied so far and when it was last written. */
public record WalletBalance(String userId, BigDecimal balance, long version, Instant updatedAt) {
}

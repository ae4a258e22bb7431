package dev.wallet.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

import dev.wallet.EventType;

/**
 * A user's wallet as stored: a missing wallet is balance 0 at version 0. {@code lastRun} holds the outcomes of
 * the events its last write applied or rejected, by eventId, and {@code writtenAt} the time of that write: they
 * are the truth for those events until their records reach the events table.
 */
record Wallet(BigDecimal balance, long version, Instant writtenAt, Map<String, RunEntry> lastRun) {

    static final Wallet EMPTY = new Wallet(BigDecimal.ZERO, 0, Instant.EPOCH, Map.of());

    /**
     * One event of a wallet's last write: what it asked for, and its outcome (APPLIED or a rejection reason) with
     * its balance and, when applied, the version it made; {@code source} is the record it came in, when known.
     */
    record RunEntry(EventType type, BigDecimal amount, String outcome, BigDecimal balance, long version,
            String source) {
    }
}

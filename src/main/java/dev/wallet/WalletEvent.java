package dev.wallet;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A validated balance-update event, as the contract in the README defines it. {@code source} is where it was read,
 * {@code partition:offset} of the input topic ({@link #source(int, long)}), and {@code sentAt} its record's
 * timestamp; each null when not known.
 */
public record WalletEvent(String eventId, String userId, EventType type, BigDecimal amount, Instant occurredAt,
        String source, Instant sentAt) {

    /** The longest eventId, in code points: a wallet item keeps the eventIds of its last write ({@code last_run}). */
    public static final int MAX_EVENT_ID_LENGTH = 128;
    /** The longest userId, in code points: at 4 bytes each, well within DynamoDB's 2,048-byte partition keys. */
    public static final int MAX_USER_ID_LENGTH = 256;

    public WalletEvent(String eventId, String userId, EventType type, BigDecimal amount, Instant occurredAt) {
        this(eventId, userId, type, amount, occurredAt, null, null);
    }

    /** The record it was read from: another record with the same eventId is a producer's retry. */
    public static String source(int partition, long offset) {
        return partition + ":" + offset;
    }

    public WalletEvent from(String recordSource) {
        return new WalletEvent(eventId, userId, type, amount, occurredAt, recordSource, sentAt);
    }

    public WalletEvent sent(Instant recordTimestamp) {
        return new WalletEvent(eventId, userId, type, amount, occurredAt, source, recordTimestamp);
    }

    /** Whether {@code other} is this event read from another record; unknown sources are taken as the same. */
    public boolean fromAnotherRecordThan(String other) {
        return source != null && other != null && !source.equals(other);
    }

    /** The change this event makes to a balance: positive for a credit, negative for a debit. */
    public BigDecimal delta() {
        return type == EventType.CREDIT ? amount : amount.negate();
    }

    /** Whether another event with this eventId asks for the same change (the amounts compared as numbers). */
    public boolean sameRequestAs(String otherUserId, EventType otherType, BigDecimal otherAmount) {
        return userId.equals(otherUserId) && type == otherType && amount.compareTo(otherAmount) == 0;
    }
}

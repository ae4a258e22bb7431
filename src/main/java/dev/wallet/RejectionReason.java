package dev.wallet;

public enum RejectionReason {
    /** A debit larger than the balance at that moment. */
    INSUFFICIENT_FUNDS,
    /** The record breaks the event contract, or the event would take the balance past the 38 digits DynamoDB stores. */
    INVALID_EVENT,
    /** The eventId was already seen with a different userId, type or amount. */
    EVENT_ID_CONFLICT,
    /** Its record was sent longer ago than eventIds are remembered: an earlier use can no longer be ruled out. */
    EVENT_TOO_OLD
}

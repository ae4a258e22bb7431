package dev.wallet.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import dev.wallet.EventType;
import dev.wallet.Outcome;
import dev.wallet.RejectionReason;
import dev.wallet.WalletEvent;

/**
 * How the first use of an eventId is known. Every occurrence of the eventId gets its outcome from it: another request
 * is a conflict; the same request gets the first use's outcome when read from the same record (a redelivery), and is
 * a {@link Outcome.Duplicate} when read from another (a producer's retry).
 */
sealed interface Known {

    Outcome outcomeOf(WalletEvent event);

    /** The outcome of an occurrence that asks for the same change as the first use, read from {@code source}. */
    static Outcome again(WalletEvent event, String firstSource, Outcome first) {
        return event.fromAnotherRecordThan(firstSource) ? new Outcome.Duplicate(event.eventId(), event.userId(), first)
                : first;
    }

    /**
     * Whether the first use's outcome is still to be stored under its eventId, the record of it missing: also when
     * this use conflicts with it, which keeps the eventId remembered for a retention from now at least.
     */
    boolean unrecorded();

    /** The first use, as its record stores it: for {@code first}, the batch's first occurrence of its eventId. */
    WalletEvent firstUse(WalletEvent first);

    /** Recorded in the events table: decided earlier. */
    record Recorded(Map<String, AttributeValue> record) implements Known {

        @Override
        public Outcome outcomeOf(WalletEvent event) {
            String userId = record.get(WalletItems.USER_ID).s();
            EventType type = EventType.valueOf(record.get(WalletItems.TYPE).s());
            BigDecimal amount = WalletItems.decimal(record.get(WalletItems.AMOUNT));
            if (!event.sameRequestAs(userId, type, amount)) {
                return conflict(event, userId, type, amount);
            }
            return again(event, source(), first(event));
        }

        /** The input record of the first use, when known. */
        String source() {
            AttributeValue source = record.get(WalletItems.SOURCE);
            return source == null ? null : source.s();
        }

        boolean expiresBefore(Instant time) {
            AttributeValue expiresAt = record.get(WalletItems.EXPIRES_AT);
            return expiresAt == null || Long.parseLong(expiresAt.n()) < time.getEpochSecond();
        }

        private Outcome first(WalletEvent event) {
            String outcome = record.get(WalletItems.OUTCOME).s();
            AttributeValue balance = record.get(WalletItems.BALANCE);
            if (WalletItems.APPLIED.equals(outcome)) {
                return new Outcome.Applied(event, WalletItems.decimal(balance),
                        Long.parseLong(record.get(WalletItems.VERSION).n()),
                        Instant.parse(record.get(WalletItems.AT).s()));
            }
            return new Outcome.Rejected(event.eventId(), event.userId(), RejectionReason.valueOf(outcome),
                    record.get(WalletItems.DETAIL).s(), balance == null ? null : WalletItems.decimal(balance));
        }

        @Override
        public boolean unrecorded() {
            return false;
        }

        @Override
        public WalletEvent firstUse(WalletEvent first) {
            return first;
        }
    }

    /** Decided by the wallet's last write, whose records were not written (a crash, another instance). */
    record InLastWrite(String userId, Wallet.RunEntry entry, Instant writtenAt) implements Known {

        @Override
        public Outcome outcomeOf(WalletEvent event) {
            if (!event.sameRequestAs(userId, entry.type(), entry.amount())) {
                return conflict(event, userId, entry.type(), entry.amount());
            }
            if (WalletItems.APPLIED.equals(entry.outcome())) {
                return again(event, entry.source(), new Outcome.Applied(event, entry.balance(), entry.version(),
                        writtenAt));
            }
            return again(event, entry.source(), Run.rejected(event, RejectionReason.valueOf(entry.outcome()),
                    entry.balance()));
        }

        @Override
        public boolean unrecorded() {
            return true;
        }

        @Override
        public WalletEvent firstUse(WalletEvent first) {
            return original(first.eventId());
        }

        /** The event this write decided; its occurredAt is not kept, and no record holds it. */
        WalletEvent original(String eventId) {
            return new WalletEvent(eventId, userId, entry.type(), entry.amount(), null, entry.source(), null);
        }
    }

    /** Decided now, in this batch. */
    record Decided(WalletEvent first, Outcome outcome) implements Known {

        @Override
        public Outcome outcomeOf(WalletEvent event) {
            return event.sameRequestAs(first.userId(), first.type(), first.amount())
                    ? again(event, first.source(), outcome)
                    : conflict(event, first.userId(), first.type(), first.amount());
        }

        @Override
        public boolean unrecorded() {
            return true;
        }

        @Override
        public WalletEvent firstUse(WalletEvent first) {
            return this.first;
        }
    }

    private static Outcome conflict(WalletEvent event, String userId, EventType type, BigDecimal amount) {
        List<String> fields = new ArrayList<>();
        if (!event.userId().equals(userId)) {
            fields.add("userId");
        }
        if (event.type() != type) {
            fields.add("type");
        }
        if (event.amount().compareTo(amount) != 0) {
            fields.add("amount");
        }
        return new Outcome.Rejected(event.eventId(), event.userId(), RejectionReason.EVENT_ID_CONFLICT,
                "eventId was already used with a different " + String.join(", ", fields), null);
    }
}

package dev.wallet.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.wallet.Amounts;
import dev.wallet.EventType;
import dev.wallet.Outcome;
import dev.wallet.RejectionReason;
import dev.wallet.WalletEvent;

/**
 * Consecutive new events of one user decided against one wallet state, in order: each debit is judged against
 * the balance after all earlier events. The result is written to the wallet in one conditional write.
 */
record Run(Wallet before, List<WalletEvent> events, List<Outcome> outcomes, BigDecimal balance, long version,
        Instant at) {

    /**
     * {@code oldestSent}: an event sent before it may have been applied, its record expired since. The run's time is
     * {@code now}, or just after the wallet's last write if this clock is behind: with the version, it tells a
     * wallet's writes apart ({@link WalletRequests#write}).
     */
    static Run decide(Wallet wallet, List<WalletEvent> events, Instant now, Instant oldestSent) {
        Instant at = now.isAfter(wallet.writtenAt()) ? now : wallet.writtenAt().plus(1, ChronoUnit.MICROS);
        List<Outcome> outcomes = new ArrayList<>(events.size());
        BigDecimal balance = wallet.balance();
        long version = wallet.version();
        for (WalletEvent event : events) {
            // As DynamoDB keeps numbers: an outcome published again from the records reads as the first time.
            BigDecimal after = Amounts.normalized(balance.add(event.delta()));
            if (event.sentAt() != null && event.sentAt().isBefore(oldestSent)) {
                outcomes.add(rejected(event, RejectionReason.EVENT_TOO_OLD, balance));
            } else if (event.type() == EventType.DEBIT && after.signum() < 0) {
                outcomes.add(rejected(event, RejectionReason.INSUFFICIENT_FUNDS, balance));
            } else if (!Amounts.fitsInDynamoDb(after)) {
                outcomes.add(rejected(event, RejectionReason.INVALID_EVENT, balance));
            } else {
                balance = after;
                version++;
                outcomes.add(new Outcome.Applied(event, balance, version, at));
            }
        }
        return new Run(wallet, events, outcomes, balance, version, at);
    }

    /** The wallet once this run is written: its events become the wallet's last_run. */
    Wallet after() {
        Map<String, Wallet.RunEntry> lastRun = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            WalletEvent event = events.get(i);
            if (outcomes.get(i) instanceof Outcome.Applied applied) {
                lastRun.put(event.eventId(), new Wallet.RunEntry(event.type(), event.amount(),
                        WalletItems.APPLIED, applied.balance(), applied.version(), event.source()));
            } else if (outcomes.get(i) instanceof Outcome.Rejected rejected) {
                lastRun.put(event.eventId(), new Wallet.RunEntry(event.type(), event.amount(),
                        rejected.reason().name(), rejected.balance(), 0, event.source()));
            }
        }
        return new Wallet(balance, version, at, lastRun);
    }

    /**
     * Only rejections judged on the balance leave the wallet as it is: judged again on it, they come out the same.
     * An {@code EVENT_TOO_OLD} depends on the clock too, so its run is written, as the wallet's last write: an
     * instance that judged the event before its cut-off and writes later then fails on that write, and finds it.
     */
    boolean writesWallet() {
        return version != before.version() || outcomes.stream().anyMatch(Run::tooOld);
    }

    private static boolean tooOld(Outcome outcome) {
        return outcome instanceof Outcome.Rejected rejected && rejected.reason() == RejectionReason.EVENT_TOO_OLD;
    }

    static Outcome.Rejected rejected(WalletEvent event, RejectionReason reason, BigDecimal balance) {
        return new Outcome.Rejected(event.eventId(), event.userId(), reason, detail(event, reason), balance);
    }

    /** Why a well-formed event was refused; rebuilt the same way when its outcome is read back. */
    private static String detail(WalletEvent event, RejectionReason reason) {
        if (reason == RejectionReason.INSUFFICIENT_FUNDS) {
            return "debit of " + event.amount().toPlainString() + " exceeds the balance";
        }
        if (reason == RejectionReason.EVENT_TOO_OLD) {
            return "sent longer ago than eventIds are remembered (wallet.idempotency.retention): it may have been"
                    + " applied already";
        }
        // A debit too, from a balance of 37 whole digits: its fraction digits make the balance longer.
        return event.type().name().toLowerCase(Locale.ROOT) + " would take the balance beyond " + Amounts.MAX_DIGITS
                + " digits, the most DynamoDB stores";
    }
}

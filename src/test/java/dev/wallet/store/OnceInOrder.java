package dev.wallet.store;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import dev.wallet.EventType;
import dev.wallet.Outcome;
import dev.wallet.RejectionReason;
import dev.wallet.WalletEvent;

/** What the tests expect of one user's stream of events: each applied once, in order, by the rules of the contract. */
final class OnceInOrder {

    private OnceInOrder() {
    }

    /** The stream's outcomes from an empty wallet: a debit beyond the balance is refused. */
    static List<Outcome> outcomes(List<WalletEvent> stream) {
        BigDecimal balance = BigDecimal.ZERO;
        long version = 0;
        List<Outcome> outcomes = new ArrayList<>();
        for (WalletEvent event : stream) {
            if (event.type() == EventType.DEBIT && event.amount().compareTo(balance) > 0) {
                outcomes.add(new Outcome.Rejected(event.eventId(), event.userId(),
                        RejectionReason.INSUFFICIENT_FUNDS, null, balance));
            } else {
                balance = event.type() == EventType.CREDIT ? balance.add(event.amount())
                        : balance.subtract(event.amount());
                outcomes.add(new Outcome.Applied(event, balance, ++version, null));
            }
        }
        return outcomes;
    }

    /** What an outcome did to the wallet, without its times and details: what the model and the store agree on. */
    static String effect(Outcome outcome) {
        if (outcome instanceof Outcome.Applied applied) {
            return "applied, balance %s, version %d".formatted(applied.balance().stripTrailingZeros().toPlainString(),
                    applied.version());
        }
        Outcome.Rejected rejected = (Outcome.Rejected) outcome;
        return "%s, balance %s".formatted(rejected.reason(),
                rejected.balance() == null ? null : rejected.balance().stripTrailingZeros().toPlainString());
    }
}

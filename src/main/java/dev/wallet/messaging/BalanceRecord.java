package dev.wallet.messaging;

import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.wallet.Outcome;

/** Value of a {@code wallet-balances} record: the wallet right after one applied event. */
@RegisterForReflection // serialised by Jackson, which reflects on it in a native image
public record BalanceRecord(String userId, String balance, long version, String eventId, String type, String amount,
        String appliedAt) {

    static BalanceRecord of(Outcome.Applied applied) {
        return new BalanceRecord(applied.userId(), applied.balance().toPlainString(), applied.version(),
                applied.event().eventId(), applied.event().type().name(), applied.event().amount().toPlainString(),
                applied.appliedAt().toString());
    }
}

package dev.wallet.api;

import java.time.Instant;

import dev.wallet.store.WalletBalance;

/**
 * The read API's answer: the balance as a decimal string, as on wallet-balances; {@code updatedAt} is the wallet's
 * last write (which may also have refused events as too old), null for a wallet another tool wrote.
 */
public record WalletView(String userId, String balance, long version, String updatedAt) {

    static WalletView of(WalletBalance wallet) {
        return new WalletView(wallet.userId(), wallet.balance().toPlainString(), wallet.version(),
                wallet.updatedAt().equals(Instant.EPOCH) ? null : wallet.updatedAt().toString());
    }
}

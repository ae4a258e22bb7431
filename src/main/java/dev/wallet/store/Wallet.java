package dev.wallet.store;

import java.math.BigDecimal;

/** A user's wallet as stored: a missing wallet is balance 0 at version 0. */
record Wallet(BigDecimal balance, long version) {

    static final Wallet EMPTY = new Wallet(BigDecimal.ZERO, 0);
}

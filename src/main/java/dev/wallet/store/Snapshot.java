package dev.wallet.store;

import java.util.Map;
import java.util.Set;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Wallets by userId, read or from the cache, then event records by eventId, read after: each as it was at one
 * moment ({@link WalletReads} says why in that order). For the users in {@code lastRunsRead}, the records of their
 * wallet's last_run events were read too: one missing from {@code records} has none.
 */
record Snapshot(Map<String, Wallet> wallets, Map<String, Map<String, AttributeValue>> records,
        Set<String> lastRunsRead) {

    Wallet wallet(String userId) {
        return wallets.getOrDefault(userId, Wallet.EMPTY);
    }
}

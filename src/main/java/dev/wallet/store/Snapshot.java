package dev.wallet.store;

import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Wallets by userId, read or from the cache, then event records by eventId, read after: each as it was at one
 * moment ({@link WalletReads} says why in that order).
 */
record Snapshot(Map<String, Wallet> wallets, Map<String, Map<String, AttributeValue>> records) {

    Wallet wallet(String userId) {
        return wallets.getOrDefault(userId, Wallet.EMPTY);
    }
}

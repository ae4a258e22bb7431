package dev.wallet.store;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** One wallet, read with a strongly consistent GetItem; never written. */
@ApplicationScoped
public class WalletLookup {

    private final DynamoDbClient dynamo;
    private final WalletRequests requests;
    private final StoreMetrics metrics;

    WalletLookup(DynamoDbClient dynamo, WalletRequests requests, StoreMetrics metrics) {
        this.dynamo = dynamo;
        this.requests = requests;
        this.metrics = metrics;
    }

    /** Empty when the user has no wallet item, or only one written to refuse events as too old. */
    public Optional<WalletBalance> find(String userId) {
        metrics.request("GetItem");
        var item = dynamo.getItem(requests.readWallet(userId)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        Wallet wallet = WalletItems.wallet(item);
        if (wallet.version() == 0 && wallet.balance().signum() == 0 && !wallet.lastRun().isEmpty()) {
            // Written only to reject events as too old (Run#writesWallet): nothing applied, nothing held.
            return Optional.empty();
        }
        return Optional.of(new WalletBalance(userId, wallet.balance(), wallet.version(), wallet.writtenAt()));
    }
}

package dev.wallet.store;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

import dev.wallet.config.WalletConfig;

/** Creates the wallet and events tables when they are missing, so that a new deployment needs no setup step. */
@ApplicationScoped
public class WalletTables {

    private final DynamoDbClient dynamo;
    private final WalletRequests requests;
    private final boolean create;

    public WalletTables(DynamoDbClient dynamo, WalletRequests requests, WalletConfig config) {
        this.dynamo = dynamo;
        this.requests = requests;
        this.create = config.table().create();
    }

    // Runs before the messaging connectors start, so no event is consumed before its tables exist.
    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        if (create) {
            createIfMissing(requests.walletTable(), WalletItems.USER_ID);
            createIfMissing(requests.eventsTable(), WalletItems.EVENT_ID);
            enableEventExpiry();
        }
    }

    private void createIfMissing(String table, String keyAttribute) {
        try {
            dynamo.describeTable(request -> request.tableName(table));
        } catch (ResourceNotFoundException missing) {
            Log.infof("Creating DynamoDB table %s", table);
            try {
                dynamo.createTable(requests.createTable(table, keyAttribute));
            } catch (ResourceInUseException createdMeanwhile) {
                Log.debugf("Table %s was created by another instance", table);
            }
        }
        dynamo.waiter().waitUntilTableExists(request -> request.tableName(table));
    }

    private void enableEventExpiry() {
        TimeToLiveStatus status = dynamo.describeTimeToLive(request -> request.tableName(requests.eventsTable()))
                .timeToLiveDescription().timeToLiveStatus();
        if (status == TimeToLiveStatus.DISABLED) {
            dynamo.updateTimeToLive(requests.expireEvents());
        }
    }
}

package dev.wallet.store;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

import dev.wallet.config.WalletConfig;
import dev.wallet.servers.DynamoDbLocal;

import static org.assertj.core.api.Assertions.assertThat;

/** Table creation with provisioned throughput, against DynamoDB Local (the on-demand default is in WalletServiceTest). */
class WalletTablesTest {

    private static DynamoDbLocal server;
    private static DynamoDbClient dynamo;

    @BeforeAll
    static void startDynamoDb(@TempDir Path directory) {
        server = DynamoDbLocal.start(directory);
        dynamo = DynamoDbLocal.client(server.endpoint());
    }

    @AfterAll
    static void stopDynamoDb() {
        dynamo.close();
        server.stop();
    }

    @Test
    void missingTablesAreCreatedWithTheConfiguredProvisionedThroughput() {
        WalletTables tables = tables(Map.of("wallet.table.name", "prov-wallet",
                "wallet.table.events-name", "prov-events", "wallet.table.billing-mode", "PROVISIONED",
                "wallet.table.read-capacity-units", "7", "wallet.table.write-capacity-units", "3"));

        tables.onStart(null);
        tables.onStart(null);

        for (String name : new String[] { "prov-wallet", "prov-events" }) {
            TableDescription table = dynamo.describeTable(r -> r.tableName(name)).table();
            assertThat(table.tableStatus()).isEqualTo(TableStatus.ACTIVE);
            assertThat(table.provisionedThroughput().readCapacityUnits()).isEqualTo(7);
            assertThat(table.provisionedThroughput().writeCapacityUnits()).isEqualTo(3);
        }
        assertThat(dynamo.describeTimeToLive(r -> r.tableName("prov-events")).timeToLiveDescription()
                .timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
    }

    @Test
    void nothingIsCreatedWhenCreationIsOff() {
        tables(Map.of("wallet.table.name", "off-wallet", "wallet.table.events-name", "off-events",
                "wallet.table.create", "false")).onStart(null);

        assertThat(dynamo.listTables().tableNames()).doesNotContain("off-wallet", "off-events");
    }

    private static WalletTables tables(Map<String, String> properties) {
        WalletConfig config = TestConfigs.wallet(properties);
        return new WalletTables(dynamo, new WalletRequests(config), config);
    }
}

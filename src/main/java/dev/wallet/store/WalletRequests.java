package dev.wallet.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchExecuteStatementRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import dev.wallet.config.WalletConfig;

import static dev.wallet.store.WalletItems.BALANCE;
import static dev.wallet.store.WalletItems.EVENT_ID;
import static dev.wallet.store.WalletItems.EXPIRES_AT;
import static dev.wallet.store.WalletItems.LAST_RUN;
import static dev.wallet.store.WalletItems.USER_ID;
import static dev.wallet.store.WalletItems.VERSION;
import static dev.wallet.store.WalletItems.n;
import static dev.wallet.store.WalletItems.s;

/** Every DynamoDB request the service sends, in one place; the items' layout is in {@link WalletItems}. */
@ApplicationScoped
public class WalletRequests {

    /** DynamoDB's limit per BatchGetItem. */
    static final int MAX_READ_KEYS = 100;
    /** DynamoDB's limit per BatchWriteItem. */
    static final int MAX_WRITE_ITEMS = 25;
    /** DynamoDB's limit per BatchExecuteStatement. */
    static final int MAX_STATEMENTS = 25;

    /** {@code items} cut, in order, into lists of at most {@code size}: as many as one batch request takes. */
    static <T> List<List<T>> chunks(List<T> items, int size) {
        List<List<T>> chunks = new ArrayList<>();
        for (int start = 0; start < items.size(); start += size) {
            chunks.add(items.subList(start, Math.min(items.size(), start + size)));
        }
        return chunks;
    }

    private static final Map<String, String> WALLET_NAMES = Map.of("#balance", BALANCE, "#version", VERSION,
            "#run", LAST_RUN);

    private final WalletConfig.Table config;
    private final String walletTable;
    private final String eventsTable;
    private final String insertWallet;
    private final String updateWallet;

    WalletRequests(WalletConfig config) {
        this.config = config.table();
        this.walletTable = this.config.name();
        this.eventsTable = this.config.eventsName();
        // Table names hold only letters, digits, '_', '-' and '.': quoted, they are safe in a statement.
        this.insertWallet = "INSERT INTO \"%s\" VALUE {'%s': ?, '%s': ?, '%s': ?, '%s': ?}"
                .formatted(walletTable, USER_ID, BALANCE, VERSION, LAST_RUN);
        this.updateWallet = ("UPDATE \"%s\" SET \"%s\" = ? SET \"%s\" = ? SET \"%s\" = ?"
                + " WHERE \"%s\" = ? AND \"%s\" = ? AND begins_with(\"%s\", ?)")
                .formatted(walletTable, BALANCE, VERSION, LAST_RUN, USER_ID, VERSION, LAST_RUN);
    }

    String walletTable() {
        return walletTable;
    }

    String eventsTable() {
        return eventsTable;
    }

    CreateTableRequest createTable(String table, String keyAttribute) {
        CreateTableRequest.Builder request = CreateTableRequest.builder().tableName(table)
                .keySchema(KeySchemaElement.builder().attributeName(keyAttribute).keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName(keyAttribute)
                        .attributeType(ScalarAttributeType.S).build());
        if (config.billingMode() == WalletConfig.BillingMode.PROVISIONED) {
            return request.billingMode(BillingMode.PROVISIONED).provisionedThroughput(ProvisionedThroughput.builder()
                    .readCapacityUnits(config.readCapacityUnits())
                    .writeCapacityUnits(config.writeCapacityUnits()).build()).build();
        }
        return request.billingMode(BillingMode.PAY_PER_REQUEST).build();
    }

    UpdateTimeToLiveRequest expireEvents() {
        return UpdateTimeToLiveRequest.builder().tableName(eventsTable).timeToLiveSpecification(
                TimeToLiveSpecification.builder().attributeName(EXPIRES_AT).enabled(true).build()).build();
    }

    /**
     * Strongly consistent reads of wallets and event records, at most {@link #MAX_READ_KEYS} keys in all: a
     * version read must be the latest, or the conditional write fails anyway.
     */
    BatchGetItemRequest read(Collection<String> userIds, Collection<String> eventIds) {
        Map<String, KeysAndAttributes> keys = new HashMap<>();
        if (!userIds.isEmpty()) {
            keys.put(walletTable, keys(USER_ID, userIds));
        }
        if (!eventIds.isEmpty()) {
            keys.put(eventsTable, keys(EVENT_ID, eventIds));
        }
        return BatchGetItemRequest.builder().requestItems(keys).build();
    }

    private static KeysAndAttributes keys(String attribute, Collection<String> values) {
        return KeysAndAttributes.builder().consistentRead(true)
                .keys(values.stream().map(value -> Map.of(attribute, s(value))).toList()).build();
    }

    /** A strongly consistent read of a whole wallet item, for the read API. */
    GetItemRequest readWallet(String userId) {
        return GetItemRequest.builder().tableName(walletTable).key(Map.of(USER_ID, s(userId))).consistentRead(true)
                .build();
    }

    /** A strongly consistent read of a wallet's version only. */
    GetItemRequest readVersion(String userId) {
        return readWallet(userId).toBuilder().projectionExpression("#version")
                .expressionAttributeNames(Map.of("#version", VERSION)).build();
    }

    /**
     * Writes the wallet {@code item}. DynamoDB refuses it unless the wallet is still as it was {@code before}: at its
     * version, and its last write the same, told by its time at the head of {@code last_run} (a write that rejects an
     * event as too old keeps the version, see {@link Run#writesWallet}).
     */
    UpdateItemRequest write(Wallet before, Map<String, AttributeValue> item) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":balance", item.get(BALANCE));
        values.put(":version", item.get(VERSION));
        values.put(":run", item.get(LAST_RUN));
        values.put(":expected", n(before.version()));
        // A wallet without a version (missing, or written by an older tool) has had no event applied.
        String version = before.version() == 0 ? "(attribute_not_exists(#version) OR #version = :expected)"
                : "#version = :expected";
        String lastWrite;
        if (neverWritten(before)) {
            lastWrite = "attribute_not_exists(#run)";
        } else {
            lastWrite = "begins_with(#run, :writtenAt)";
            values.put(":writtenAt", s(LastRunText.head(before)));
        }
        return UpdateItemRequest.builder().tableName(walletTable).key(Map.of(USER_ID, item.get(USER_ID)))
                .updateExpression("SET #balance = :balance, #version = :version, #run = :run")
                .conditionExpression(version + " AND " + lastWrite).expressionAttributeNames(WALLET_NAMES)
                .expressionAttributeValues(values).build();
    }

    /**
     * The write of {@link #write} as one PartiQL statement of a batch, so that a batch of wallet writes costs one
     * request, not one each. A wallet without events or writes gets an INSERT, which DynamoDB refuses (DuplicateItem)
     * when an item exists; otherwise an UPDATE, which DynamoDB refuses (ConditionalCheckFailed) unless the item exists
     * as it was {@code before}. An item only another tool wrote (without last_run) is refused either way:
     * {@link #write} takes it.
     */
    BatchStatementRequest writeStatement(Wallet before, Map<String, AttributeValue> item) {
        if (before.version() == 0 && neverWritten(before)) {
            return BatchStatementRequest.builder().statement(insertWallet)
                    .parameters(item.get(USER_ID), item.get(BALANCE), item.get(VERSION), item.get(LAST_RUN)).build();
        }
        return BatchStatementRequest.builder().statement(updateWallet)
                .parameters(item.get(BALANCE), item.get(VERSION), item.get(LAST_RUN), item.get(USER_ID),
                        n(before.version()), s(LastRunText.head(before)))
                .build();
    }

    /** No last_run: a missing wallet, or one only another tool wrote. */
    private static boolean neverWritten(Wallet wallet) {
        return wallet.writtenAt().equals(Wallet.EMPTY.writtenAt());
    }

    /** At most {@link #MAX_STATEMENTS}, each for another wallet. */
    static BatchExecuteStatementRequest writeAll(List<BatchStatementRequest> statements) {
        return BatchExecuteStatementRequest.builder().statements(statements).build();
    }

    /** Unconditional puts: the wallet write before them already decided each event exactly once. */
    BatchWriteItemRequest record(List<Map<String, AttributeValue>> records) {
        List<WriteRequest> puts = records.stream()
                .map(item -> WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build())
                .toList();
        return BatchWriteItemRequest.builder().requestItems(Map.of(eventsTable, puts)).build();
    }
}

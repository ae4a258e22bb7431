package dev.wallet.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;

import dev.wallet.EventType;
import dev.wallet.Outcome;
import dev.wallet.WalletEvent;
import dev.wallet.config.WalletConfig;

/**
 * Every DynamoDB request the service sends, and the attribute names of both tables, in one place.
 *
 * <p>Wallet table: {@code user_id} (S, key), {@code balance} (N), {@code version} (N, events applied).
 * Events table: {@code event_id} (S, key), the event's {@code user_id}, {@code type}, {@code amount}, its
 * {@code outcome} (APPLIED or a rejection reason) with {@code balance}, {@code version}, {@code detail},
 * {@code at}, and {@code expires_at} (epoch seconds, the TTL attribute).
 */
@ApplicationScoped
public class WalletRequests {

    static final String USER_ID = "user_id";
    static final String BALANCE = "balance";
    static final String VERSION = "version";
    static final String EVENT_ID = "event_id";
    static final String TYPE = "type";
    static final String AMOUNT = "amount";
    static final String OUTCOME = "outcome";
    static final String DETAIL = "detail";
    static final String AT = "at";
    static final String EXPIRES_AT = "expires_at";
    static final String APPLIED = "APPLIED";

    private static final String EVENT_IS_NEW = "attribute_not_exists(" + EVENT_ID + ")";
    private static final Map<String, String> WALLET_NAMES = Map.of("#balance", BALANCE, "#version", VERSION);

    private final WalletConfig.Table config;
    private final String walletTable;
    private final String eventsTable;

    WalletRequests(WalletConfig config) {
        this.config = config.table();
        this.walletTable = this.config.name();
        this.eventsTable = this.config.eventsName();
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

    /** Strongly consistent: the version read must be the latest, or the conditional write fails anyway. */
    GetItemRequest readWallet(String userId) {
        return GetItemRequest.builder().tableName(walletTable).key(Map.of(USER_ID, s(userId)))
                .consistentRead(true).build();
    }

    /**
     * Records the event and moves the wallet from {@code wallet} to the new balance, atomically. DynamoDB refuses
     * it when the eventId is known, when the wallet moved since it was read, or when a debit exceeds the balance.
     */
    TransactWriteItemsRequest apply(WalletEvent event, Wallet wallet, Outcome.Applied applied, Instant expiresAt) {
        Map<String, AttributeValue> record = eventRecord(event, APPLIED, applied.appliedAt(), expiresAt);
        record.put(BALANCE, n(applied.balance()));
        record.put(VERSION, n(applied.version()));
        Put put = Put.builder().tableName(eventsTable).item(record).conditionExpression(EVENT_IS_NEW)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build();
        return TransactWriteItemsRequest.builder().transactItems(
                TransactWriteItem.builder().put(put).build(),
                TransactWriteItem.builder().update(updateWallet(event, wallet, applied)).build()).build();
    }

    private Update updateWallet(WalletEvent event, Wallet wallet, Outcome.Applied applied) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":balance", n(applied.balance()));
        values.put(":version", n(applied.version()));
        String condition;
        if (wallet.version() == 0) {
            // A wallet without a version (missing, or written by an older tool) has had no event applied.
            condition = "attribute_not_exists(#version)";
        } else {
            condition = "#version = :expected";
            values.put(":expected", n(wallet.version()));
        }
        if (event.type() == EventType.DEBIT) {
            // The no-overdraft rule lives here, in DynamoDB, not in a Java comparison.
            condition += " AND #balance >= :amount";
            values.put(":amount", n(event.amount()));
        }
        return Update.builder().tableName(walletTable).key(Map.of(USER_ID, s(event.userId())))
                .updateExpression("SET #balance = :balance, #version = :version")
                .conditionExpression(condition).expressionAttributeNames(WALLET_NAMES)
                .expressionAttributeValues(values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build();
    }

    /** Remembers a rejection so that the same event stays rejected; refused when the eventId is already known. */
    PutItemRequest recordRejection(WalletEvent event, Outcome.Rejected rejected, Instant at, Instant expiresAt) {
        Map<String, AttributeValue> record = eventRecord(event, rejected.reason().name(), at, expiresAt);
        record.put(DETAIL, s(rejected.detail()));
        if (rejected.balance() != null) {
            record.put(BALANCE, n(rejected.balance()));
        }
        return PutItemRequest.builder().tableName(eventsTable).item(record).conditionExpression(EVENT_IS_NEW)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build();
    }

    private static Map<String, AttributeValue> eventRecord(WalletEvent event, String outcome, Instant at,
            Instant expiresAt) {
        Map<String, AttributeValue> record = new HashMap<>();
        record.put(EVENT_ID, s(event.eventId()));
        record.put(USER_ID, s(event.userId()));
        record.put(TYPE, s(event.type().name()));
        record.put(AMOUNT, n(event.amount()));
        record.put(OUTCOME, s(outcome));
        record.put(AT, s(at.toString()));
        record.put(EXPIRES_AT, n(expiresAt.getEpochSecond()));
        return record;
    }

    static Wallet wallet(Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty()) {
            return Wallet.EMPTY;
        }
        BigDecimal balance = item.containsKey(BALANCE) ? decimal(item.get(BALANCE)) : BigDecimal.ZERO;
        long version = item.containsKey(VERSION) ? Long.parseLong(item.get(VERSION).n()) : 0;
        return new Wallet(balance, version);
    }

    static BigDecimal decimal(AttributeValue value) {
        return new BigDecimal(value.n());
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(BigDecimal value) {
        return AttributeValue.fromN(value.toPlainString());
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}

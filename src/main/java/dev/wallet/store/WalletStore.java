package dev.wallet.store;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import dev.wallet.Amounts;
import dev.wallet.EventType;
import dev.wallet.Outcome;
import dev.wallet.RejectionReason;
import dev.wallet.WalletEvent;
import dev.wallet.config.WalletConfig;

/**
 * Applies events to DynamoDB, once per eventId. Per event: one consistent GetItem of the wallet, then one
 * TransactWriteItems that records the eventId and updates the wallet under a condition (2 items, 4 write units).
 */
@ApplicationScoped
public class WalletStore {

    private static final String CONDITION_FAILED = "ConditionalCheckFailed";

    private final DynamoDbClient dynamo;
    private final WalletRequests requests;
    private final Duration retention;

    public WalletStore(DynamoDbClient dynamo, WalletRequests requests, WalletConfig config) {
        this.dynamo = dynamo;
        this.requests = requests;
        this.retention = config.idempotency().retention();
    }

    /** The outcome of the event: applied now, rejected now, or whatever it was the first time it came. */
    public Outcome apply(WalletEvent event) {
        while (true) {
            Wallet wallet = WalletRequests.wallet(dynamo.getItem(requests.readWallet(event.userId())).item());
            Optional<Outcome> outcome = attempt(event, wallet);
            if (outcome.isPresent()) {
                return outcome.get();
            }
            Log.debugf("Wallet %s moved while event %s was applied, trying again", event.userId(), event.eventId());
        }
    }

    /** Empty when another writer moved the wallet since it was read. */
    private Optional<Outcome> attempt(WalletEvent event, Wallet wallet) {
        Instant now = Instant.now();
        BigDecimal balance = wallet.balance().add(event.delta());
        if (!Amounts.fitsInDynamoDb(balance)) {
            return Optional.of(reject(event, RejectionReason.INVALID_EVENT, "credit would take the balance beyond "
                    + Amounts.MAX_DIGITS + " digits, the most DynamoDB stores", wallet.balance()));
        }
        Outcome.Applied applied = new Outcome.Applied(event, balance, wallet.version() + 1, now);
        try {
            dynamo.transactWriteItems(requests.apply(event, wallet, applied, now.plus(retention)));
            return Optional.of(applied);
        } catch (TransactionCanceledException e) {
            return whyCanceled(event, wallet, e);
        }
    }

    private Optional<Outcome> whyCanceled(WalletEvent event, Wallet wallet, TransactionCanceledException e) {
        List<CancellationReason> reasons = e.cancellationReasons();
        if (CONDITION_FAILED.equals(reasons.get(0).code())) {
            return Optional.of(earlierOutcome(event, reasons.get(0).item()));
        }
        if (CONDITION_FAILED.equals(reasons.get(1).code())) {
            Wallet current = WalletRequests.wallet(reasons.get(1).item());
            if (current.version() != wallet.version()) {
                return Optional.empty();
            }
            return Optional.of(reject(event, RejectionReason.INSUFFICIENT_FUNDS,
                    "debit of " + event.amount().toPlainString() + " exceeds the balance", current.balance()));
        }
        // Transaction conflicts and throttling: transient, retried by the consumer.
        throw e;
    }

    private Outcome reject(WalletEvent event, RejectionReason reason, String detail, BigDecimal balance) {
        Outcome.Rejected rejected = new Outcome.Rejected(event.eventId(), event.userId(), reason, detail, balance);
        Instant now = Instant.now();
        try {
            dynamo.putItem(requests.recordRejection(event, rejected, now, now.plus(retention)));
            return rejected;
        } catch (ConditionalCheckFailedException e) {
            return earlierOutcome(event, e.item());
        }
    }

    private static Outcome earlierOutcome(WalletEvent event, Map<String, AttributeValue> record) {
        String userId = record.get(WalletRequests.USER_ID).s();
        EventType type = EventType.valueOf(record.get(WalletRequests.TYPE).s());
        BigDecimal amount = WalletRequests.decimal(record.get(WalletRequests.AMOUNT));
        if (!event.sameRequestAs(userId, type, amount)) {
            return new Outcome.Rejected(event.eventId(), event.userId(), RejectionReason.EVENT_ID_CONFLICT,
                    "eventId was already used with a different " + differences(event, userId, type, amount), null);
        }
        String outcome = record.get(WalletRequests.OUTCOME).s();
        AttributeValue balance = record.get(WalletRequests.BALANCE);
        if (WalletRequests.APPLIED.equals(outcome)) {
            return new Outcome.Applied(event, WalletRequests.decimal(balance),
                    Long.parseLong(record.get(WalletRequests.VERSION).n()),
                    Instant.parse(record.get(WalletRequests.AT).s()));
        }
        return new Outcome.Rejected(event.eventId(), event.userId(), RejectionReason.valueOf(outcome),
                record.get(WalletRequests.DETAIL).s(), balance == null ? null : WalletRequests.decimal(balance));
    }

    private static String differences(WalletEvent event, String userId, EventType type, BigDecimal amount) {
        List<String> fields = new ArrayList<>();
        if (!event.userId().equals(userId)) {
            fields.add("userId");
        }
        if (event.type() != type) {
            fields.add("type");
        }
        if (event.amount().compareTo(amount) != 0) {
            fields.add("amount");
        }
        return String.join(", ", fields);
    }
}

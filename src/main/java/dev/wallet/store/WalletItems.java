package dev.wallet.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import dev.wallet.Outcome;
import dev.wallet.WalletEvent;

/**
 * The attribute names of both tables, and the mapping between their items and the service's types.
 *
 * <p>
 * Wallet table: {@code user_id} (S, key), {@code balance} (N), {@code version} (N, events applied) and
 * {@code last_run} (S: the time of the last write and its events, see {@link LastRunText}).
 * Events table: {@code event_id} (S, key), the event's {@code user_id}, {@code type}, {@code amount}, its
 * {@code outcome} (APPLIED or a rejection reason) with {@code balance}, {@code version}, {@code detail},
 * {@code at}, {@code source} (the input record, {@code partition:offset}) and {@code expires_at} (epoch seconds,
 * the TTL attribute). Why each exists: docs/design.md.
 */
final class WalletItems {

    static final String USER_ID = "user_id";
    static final String BALANCE = "balance";
    static final String VERSION = "version";
    static final String LAST_RUN = "last_run";
    static final String EVENT_ID = "event_id";
    static final String TYPE = "type";
    static final String AMOUNT = "amount";
    static final String OUTCOME = "outcome";
    static final String DETAIL = "detail";
    static final String AT = "at";
    static final String EXPIRES_AT = "expires_at";
    static final String SOURCE = "source";
    static final String APPLIED = "APPLIED";

    private WalletItems() {
    }

    /**
     * The wallet item a write leaves: its last_run remembers the run's outcomes until their records are written.
     * Built once per write, for its request and its write units.
     */
    static Map<String, AttributeValue> walletItem(String userId, Wallet wallet) {
        return Map.of(USER_ID, s(userId), BALANCE, n(wallet.balance()), VERSION, n(wallet.version()), LAST_RUN,
                s(LastRunText.write(wallet)));
    }

    static Wallet wallet(Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty()) {
            return Wallet.EMPTY;
        }
        BigDecimal balance = item.containsKey(BALANCE) ? decimal(item.get(BALANCE)) : BigDecimal.ZERO;
        long version = version(item);
        AttributeValue lastRun = item.get(LAST_RUN);
        return lastRun == null ? new Wallet(balance, version, Instant.EPOCH, Map.of())
                : LastRunText.read(balance, version, lastRun.s());
    }

    /** A missing wallet, or one without a version (written by another tool), has had no event applied. */
    static long version(Map<String, AttributeValue> item) {
        return item != null && item.containsKey(VERSION) ? Long.parseLong(item.get(VERSION).n()) : 0;
    }

    /** The same record, remembered until {@code expiresAt}. */
    static Map<String, AttributeValue> expiring(Map<String, AttributeValue> record, Instant expiresAt) {
        Map<String, AttributeValue> renewed = new HashMap<>(record);
        renewed.put(EXPIRES_AT, n(expiresAt.getEpochSecond()));
        return renewed;
    }

    /** The events-table record of an event's outcome. */
    static Map<String, AttributeValue> record(WalletEvent event, Outcome outcome, Instant expiresAt) {
        Map<String, AttributeValue> record = new HashMap<>();
        record.put(EVENT_ID, s(event.eventId()));
        record.put(USER_ID, s(event.userId()));
        record.put(TYPE, s(event.type().name()));
        record.put(AMOUNT, n(event.amount()));
        record.put(EXPIRES_AT, n(expiresAt.getEpochSecond()));
        if (event.source() != null) {
            record.put(SOURCE, s(event.source()));
        }
        if (outcome instanceof Outcome.Applied applied) {
            record.put(OUTCOME, s(APPLIED));
            record.put(BALANCE, n(applied.balance()));
            record.put(VERSION, n(applied.version()));
            record.put(AT, s(applied.appliedAt().toString()));
        } else if (outcome instanceof Outcome.Rejected rejected) {
            record.put(OUTCOME, s(rejected.reason().name()));
            record.put(DETAIL, s(rejected.detail()));
            if (rejected.balance() != null) {
                record.put(BALANCE, n(rejected.balance()));
            }
        }
        return record;
    }

    static BigDecimal decimal(AttributeValue value) {
        return new BigDecimal(value.n());
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(BigDecimal value) {
        return AttributeValue.fromN(value.toPlainString());
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}

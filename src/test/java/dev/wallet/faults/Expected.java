package dev.wallet.faults;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the event contract says must come of a stream, computed by replaying it per user in partition order.
 * Knows the contract only, nothing of the service's code.
 */
final class Expected {

    /** A position in the input topic. */
    record Position(int partition, long offset) {
    }

    /** A balance record: the wallet of {@code userId} at {@code version}, after {@code eventId}. */
    record Balance(String userId, long version, BigDecimal balance, String eventId, String type, BigDecimal amount) {
    }

    /** A rejection: its reason, and the ids it must carry (null for an invalid record's: the parser's to read). */
    record Rejection(String reason, String eventId, String userId) {

        static Rejection of(String reason, EventStream.Input input) {
            return new Rejection(reason, input.eventId(), input.userId());
        }
    }

    record Wallet(BigDecimal balance, long version) {
    }

    final Map<String, Wallet> wallets = new HashMap<>();
    /** Every balance record that must be published, by (userId, version). */
    final Map<String, Balance> balances = new HashMap<>();
    /** The rejection each rejected position must get. */
    final Map<Position, Rejection> rejections = new LinkedHashMap<>();
    int applied;
    int duplicates;

    static Expected replay(List<EventStream.Input> stream, List<Position> positions) {
        Expected expected = new Expected();
        // The first valid record of each eventId: a later one is a retry of it or a conflict.
        Map<String, EventStream.Input> firsts = new HashMap<>();
        for (int i = 0; i < stream.size(); i++) {
            expected.apply(stream.get(i), positions.get(i), firsts);
        }
        return expected;
    }

    static String key(String userId, long version) {
        return userId + "#" + version;
    }

    private void apply(EventStream.Input input, Position position, Map<String, EventStream.Input> firsts) {
        if (!input.valid()) {
            rejections.put(position, new Rejection("INVALID_EVENT", null, null));
            return;
        }
        EventStream.Input first = firsts.get(input.eventId());
        if (first != null) {
            repeat(input, position, first);
            return;
        }
        firsts.put(input.eventId(), input);
        Wallet wallet = wallets.getOrDefault(input.userId(), new Wallet(BigDecimal.ZERO, 0));
        if (input.type().equals("DEBIT") && wallet.balance().compareTo(input.amount()) < 0) {
            rejections.put(position, Rejection.of("INSUFFICIENT_FUNDS", input));
            return;
        }
        BigDecimal balance = input.type().equals("CREDIT") ? wallet.balance().add(input.amount())
                : wallet.balance().subtract(input.amount());
        Wallet next = new Wallet(balance, wallet.version() + 1);
        wallets.put(input.userId(), next);
        Balance record = new Balance(input.userId(), next.version(), balance, input.eventId(), input.type(),
                input.amount());
        balances.put(key(input.userId(), next.version()), record);
        applied++;
    }

    private void repeat(EventStream.Input input, Position position, EventStream.Input first) {
        boolean same = first.userId().equals(input.userId()) && first.type().equals(input.type())
                && first.amount().compareTo(input.amount()) == 0;
        // A producer's retry (the same request in another record) publishes nothing: its first record's stands.
        if (!same) {
            rejections.put(position, Rejection.of("EVENT_ID_CONFLICT", input));
        } else {
            duplicates++;
        }
    }
}

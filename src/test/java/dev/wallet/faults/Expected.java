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
    record Balance(String userId, long version, BigDecimal balance, String eventId) {
    }

    record Wallet(BigDecimal balance, long version) {
    }

    /** The first outcome of an eventId: a balance record, or a rejection reason. */
    private record First(EventStream.Input input, Balance applied, String rejection) {
    }

    final Map<String, Wallet> wallets = new HashMap<>();
    /** Every balance record that must be published, by (userId, version). */
    final Map<String, Balance> balances = new HashMap<>();
    /** The rejection reason each rejected position must get. */
    final Map<Position, String> rejections = new LinkedHashMap<>();
    int applied;
    int duplicates;

    static Expected replay(List<EventStream.Input> stream, List<Position> positions) {
        Expected expected = new Expected();
        Map<String, First> firsts = new HashMap<>();
        for (int i = 0; i < stream.size(); i++) {
            expected.apply(stream.get(i), positions.get(i), firsts);
        }
        return expected;
    }

    static String key(String userId, long version) {
        return userId + "#" + version;
    }

    private void apply(EventStream.Input input, Position position, Map<String, First> firsts) {
        if (!input.valid()) {
            rejections.put(position, "INVALID_EVENT");
            return;
        }
        First first = firsts.get(input.eventId());
        if (first != null) {
            repeat(input, position, first);
            return;
        }
        Wallet wallet = wallets.getOrDefault(input.userId(), new Wallet(BigDecimal.ZERO, 0));
        if (input.type().equals("DEBIT") && wallet.balance().compareTo(input.amount()) < 0) {
            rejections.put(position, "INSUFFICIENT_FUNDS");
            firsts.put(input.eventId(), new First(input, null, "INSUFFICIENT_FUNDS"));
            return;
        }
        BigDecimal balance = input.type().equals("CREDIT") ? wallet.balance().add(input.amount())
                : wallet.balance().subtract(input.amount());
        Wallet next = new Wallet(balance, wallet.version() + 1);
        wallets.put(input.userId(), next);
        Balance record = new Balance(input.userId(), next.version(), balance, input.eventId());
        balances.put(key(input.userId(), next.version()), record);
        firsts.put(input.eventId(), new First(input, record, null));
        applied++;
    }

    private void repeat(EventStream.Input input, Position position, First first) {
        boolean same = first.input().userId().equals(input.userId()) && first.input().type().equals(input.type())
                && first.input().amount().compareTo(input.amount()) == 0;
        // A producer's retry (the same request in another record) publishes nothing: its first record's stands.
        if (!same) {
            rejections.put(position, "EVENT_ID_CONFLICT");
        } else {
            duplicates++;
        }
    }
}

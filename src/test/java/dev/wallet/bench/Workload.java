package dev.wallet.bench;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.wallet.EventJson;

/** Who the events go to: {@code hotShare} of them to one user, the rest spread evenly over {@code users}. */
record Workload(String name, int users, double hotShare) {

    static final String HOT_USER = "hot-user";

    /** One input record. */
    record Input(String key, byte[] value, String eventId) {
    }

    /**
     * {@code count} valid events, seeded: 60% credits of 1.00 to 100.00, 40% debits of 1.00 to 50.00, so that
     * wallets fill up and debits overdraw mostly early on, as in a wallet people pay into before they spend.
     */
    List<Input> events(String prefix, int count, long seed) {
        Random random = new Random(seed);
        List<Input> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String userId = random.nextDouble() < hotShare ? HOT_USER : "user-" + random.nextInt(users);
            String eventId = prefix + "-" + i;
            String type = random.nextInt(10) < 6 ? "CREDIT" : "DEBIT";
            BigDecimal amount = BigDecimal.valueOf(100 + random.nextInt(type.equals("CREDIT") ? 9_901 : 4_901), 2);
            String json = EventJson.of(eventId, userId, type, amount.toPlainString());
            events.add(new Input(userId, json.getBytes(StandardCharsets.UTF_8), eventId));
        }
        return events;
    }
}

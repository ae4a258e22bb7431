package dev.wallet.faults;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.wallet.EventJson;

/**
 * A seeded random stream of input records: credits, debits (many of them overdrafts, some of users who never get a
 * credit), re-sends of earlier events, eventId conflicts and invalid records. The same seed gives the same stream.
 */
final class EventStream {

    /** One record to produce. {@code type} and {@code amount} are null for an invalid record. */
    record Input(String key, byte[] value, String eventId, String userId, String type, BigDecimal amount) {

        boolean valid() {
            return type != null;
        }
    }

    private static final String[] INVALID_VALUES = {
            "not json at all",
            EventJson.of("%s", "%s", "CREDIT", "0"),
            EventJson.of("%s", "%s", "DEBIT", "-4"),
            EventJson.of("%s", "%s", "CREDIT", "1.001"),
            EventJson.of("%s", "%s", "REFUND", "1"),
            "{\"eventId\":\"%s\",\"userId\":\"%s\",\"type\":\"CREDIT\"}",
            "[\"%s\",\"%s\"]" };

    private static final int BROKE_USERS = 10;

    private EventStream() {
    }

    static List<Input> generate(long seed, int count, int users) {
        Random random = new Random(seed);
        List<Input> stream = new ArrayList<>(count);
        List<Input> validSoFar = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String userId = "user-" + random.nextInt(users);
            String eventId = "ev-" + seed + "-" + i;
            int dice = random.nextInt(100);
            Input input;
            if (dice < 8) {
                input = invalid(random, eventId, userId);
            } else if (dice < 14 && !validSoFar.isEmpty()) {
                input = validSoFar.get(random.nextInt(validSoFar.size()));
            } else if (dice < 17 && !validSoFar.isEmpty()) {
                // The same eventId and user, another amount or another type: each makes it another request.
                Input earlier = validSoFar.get(random.nextInt(validSoFar.size()));
                input = random.nextBoolean()
                        ? valid(earlier.eventId(), earlier.userId(), earlier.type(), earlier.amount().add(BigDecimal.ONE))
                        : valid(earlier.eventId(), earlier.userId(), earlier.type().equals("CREDIT") ? "DEBIT" : "CREDIT",
                                earlier.amount());
            } else if (dice < 19) {
                // Users who only ever overdraw: rejected every time, they must never get a wallet item.
                input = valid(eventId, "broke-" + random.nextInt(BROKE_USERS), "DEBIT",
                        BigDecimal.valueOf(100 + random.nextInt(15_000), 2));
                validSoFar.add(input);
            } else {
                boolean credit = dice < 55;
                input = valid(eventId, userId, credit ? "CREDIT" : "DEBIT",
                        BigDecimal.valueOf(100 + random.nextInt(credit ? 10_000 : 15_000), 2));
                validSoFar.add(input);
            }
            stream.add(input);
        }
        return stream;
    }

    private static Input valid(String eventId, String userId, String type, BigDecimal amount) {
        String json = EventJson.of(eventId, userId, type, amount.toPlainString());
        return new Input(userId, json.getBytes(StandardCharsets.UTF_8), eventId, userId, type, amount);
    }

    private static Input invalid(Random random, String eventId, String userId) {
        String value = INVALID_VALUES[random.nextInt(INVALID_VALUES.length)].formatted(eventId, userId);
        return new Input(userId, value.getBytes(StandardCharsets.UTF_8), eventId, userId, null, null);
    }
}

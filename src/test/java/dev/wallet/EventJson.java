package dev.wallet;

/** A balance-update event's value as producers send it: the README's event contract, amount as a string. */
public final class EventJson {

    private EventJson() {
    }

    public static String of(String eventId, String userId, String type, String amount) {
        return "{\"eventId\":\"%s\",\"userId\":\"%s\",\"type\":\"%s\",\"amount\":\"%s\"}"
                .formatted(eventId, userId, type, amount);
    }
}

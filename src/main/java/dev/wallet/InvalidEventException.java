package dev.wallet;

/** The record breaks the event contract; carries whatever ids could be read, for the rejection. */
public class InvalidEventException extends Exception {

    private final String eventId;
    private final String userId;

    public InvalidEventException(String detail, String eventId, String userId) {
        super(detail, null, false, false);
        this.eventId = eventId;
        this.userId = userId;
    }

    public String eventId() {
        return eventId;
    }

    public String userId() {
        return userId;
    }
}

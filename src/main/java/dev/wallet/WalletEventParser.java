package dev.wallet;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import io.quarkus.logging.Log;

import dev.wallet.config.WalletConfig;

/** Turns a record's key and value into a {@link WalletEvent}, or says precisely why it cannot. */
@ApplicationScoped
public class WalletEventParser {

    /** Longer amount strings are refused before BigDecimal parses them (its cost grows with the length). */
    private static final int MAX_AMOUNT_TEXT_LENGTH = 100;
    private static final int MAX_DETAIL_LENGTH = 300;
    /**
     * Larger values are refused unread: an event takes a few hundred bytes, and a JSON tree takes many times its
     * text ({@code [{},{},...]}: about 80 bytes of objects per 3 bytes), which a record of Kafka's 1 MB limit must not
     * take from the heap.
     */
    public static final int MAX_VALUE_BYTES = 64 * 1024;

    private final ObjectReader reader;
    private final int maxScale;

    @Inject
    public WalletEventParser(ObjectMapper mapper, WalletConfig config) {
        this(mapper, config.amount().maxScale());
    }

    public WalletEventParser(ObjectMapper mapper, int maxScale) {
        // Floats as BigDecimal: amounts are money and are never parsed through double.
        this.reader = mapper.reader()
                .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
        this.maxScale = maxScale;
    }

    public WalletEvent parse(String key, byte[] value) throws InvalidEventException {
        try {
            return read(key, value);
        } catch (RuntimeException e) {
            // A value no rule foresaw is rejected like any other breach, with its bytes, rather than retried
            // forever in front of the rest of its partition.
            Log.errorf(e, "A record value failed the parser in a way no rule foresaw; rejected as invalid");
            throw new InvalidEventException(shorten("value could not be read: " + e), null,
                    idOrNull(key, WalletEvent.MAX_USER_ID_LENGTH));
        }
    }

    private WalletEvent read(String key, byte[] value) throws InvalidEventException {
        JsonNode root = readObject(value, key);
        String eventId = idOrNull(root.path("eventId").textValue(), WalletEvent.MAX_EVENT_ID_LENGTH);
        String userId = idOrNull(root.path("userId").isTextual() ? root.get("userId").asText() : key,
                WalletEvent.MAX_USER_ID_LENGTH);
        Fields fields = new Fields(root, eventId, userId);
        fields.requireText("eventId", WalletEvent.MAX_EVENT_ID_LENGTH);
        fields.requireText("userId", WalletEvent.MAX_USER_ID_LENGTH);
        if (key == null) {
            throw fields.invalid("record key is missing: it must be the userId");
        }
        if (!key.equals(userId)) {
            throw fields.invalid("record key must equal userId, so that one user's events share a partition");
        }
        // What the key's bytes decode to where they are not UTF-8: two keys, in two partitions, could be one user.
        if (key.indexOf('\uFFFD') >= 0) {
            throw fields.invalid("record key must be UTF-8 text without U+FFFD");
        }
        return new WalletEvent(eventId, userId, fields.type(), fields.amount(maxScale), fields.occurredAt());
    }

    private JsonNode readObject(byte[] value, String key) throws InvalidEventException {
        String userId = idOrNull(key, WalletEvent.MAX_USER_ID_LENGTH);
        if (value == null || value.length == 0) {
            throw new InvalidEventException("value is empty: expected a JSON object", null, userId);
        }
        if (value.length > MAX_VALUE_BYTES) {
            throw new InvalidEventException("value is over " + MAX_VALUE_BYTES + " bytes: " + value.length, null,
                    userId);
        }
        JsonNode root;
        try {
            root = reader.readTree(value);
        } catch (JacksonException e) {
            throw new InvalidEventException(shorten("value is not valid JSON: " + e.getOriginalMessage()), null, userId);
        } catch (IOException e) {
            throw new InvalidEventException(shorten("value is not valid JSON: " + e.getMessage()), null, userId);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidEventException("value must be a JSON object", null, userId);
        }
        return root;
    }

    /**
     * An id for the rejection, unless it breaks its size limit (a 1 MiB "eventId" must not be echoed whole) or is not
     * Unicode text (an unpaired surrogate, which strict JSON readers refuse, and which a Kafka key turns into '?').
     */
    private static String idOrNull(String id, int maxLength) {
        return id != null && id.codePointCount(0, id.length()) <= maxLength && !hasUnpairedSurrogate(id) ? id : null;
    }

    private static boolean hasUnpairedSurrogate(String text) {
        return text.codePoints().anyMatch(c -> Character.getType(c) == Character.SURROGATE);
    }

    /** Cut to a length, never inside a character; unpaired surrogates (echoed from the value) become U+FFFD. */
    private static String shorten(String detail) {
        String text = Objects.toString(detail, "");
        if (hasUnpairedSurrogate(text)) {
            StringBuilder clean = new StringBuilder(text.length());
            text.codePoints().forEach(c -> clean.appendCodePoint(Character.getType(c) == Character.SURROGATE ? 0xFFFD : c));
            text = clean.toString();
        }
        return text.codePointCount(0, text.length()) <= MAX_DETAIL_LENGTH ? text
                : text.substring(0, text.offsetByCodePoints(0, MAX_DETAIL_LENGTH)) + "...";
    }

    /** The fields of one event object, with the ids read so far for the rejection. */
    private record Fields(JsonNode root, String eventId, String userId) {

        InvalidEventException invalid(String detail) {
            return new InvalidEventException(shorten(detail), eventId, userId);
        }

        void requireText(String name, int maxLength) throws InvalidEventException {
            JsonNode node = root.get(name);
            if (node == null || node.isNull()) {
                throw invalid(name + " is required");
            }
            if (!node.isTextual()) {
                throw invalid(name + " must be a string");
            }
            String text = node.asText();
            int length = text.codePointCount(0, text.length());
            if (length < 1 || length > maxLength) {
                throw invalid(name + " must have 1 to " + maxLength + " characters, has " + length);
            }
            // Not text, and DynamoDB keeps strings as UTF-8, which cannot hold it: two such ids could become one.
            if (hasUnpairedSurrogate(text)) {
                throw invalid(name + " must be Unicode text, has an unpaired surrogate");
            }
        }

        EventType type() throws InvalidEventException {
            JsonNode node = root.get("type");
            if (node == null || !node.isTextual()) {
                throw invalid("type is required: CREDIT or DEBIT");
            }
            try {
                return EventType.valueOf(node.asText());
            } catch (IllegalArgumentException e) {
                throw invalid("type must be CREDIT or DEBIT, was " + node.asText());
            }
        }

        BigDecimal amount(int maxScale) throws InvalidEventException {
            BigDecimal amount = decimal(root.get("amount"));
            if (amount.signum() <= 0) {
                // Not in plain notation: "-1e999999999" would take a billion digits.
                throw invalid("amount must be positive, was " + amount);
            }
            if (Amounts.fractionDigits(amount) > maxScale) {
                throw invalid("amount must have at most " + maxScale + " fraction digits");
            }
            if (!Amounts.fitsInDynamoDb(amount)) {
                throw invalid("amount must have at most " + Amounts.MAX_DIGITS + " digits in plain notation");
            }
            return Amounts.normalized(amount);
        }

        private BigDecimal decimal(JsonNode node) throws InvalidEventException {
            if (node != null && node.isNumber()) {
                return node.decimalValue();
            }
            if (node == null || !node.isTextual()) {
                throw invalid("amount is required: a decimal string such as \"12.50\" or a JSON number");
            }
            String text = node.asText();
            if (text.length() > MAX_AMOUNT_TEXT_LENGTH) {
                throw invalid("amount text must be at most " + MAX_AMOUNT_TEXT_LENGTH + " characters");
            }
            try {
                return new BigDecimal(text);
            } catch (NumberFormatException e) {
                throw invalid("amount is not a decimal number: " + text);
            }
        }

        Instant occurredAt() throws InvalidEventException {
            JsonNode node = root.get("occurredAt");
            if (node == null || node.isNull()) {
                return null;
            }
            try {
                return Instant.parse(node.asText());
            } catch (DateTimeParseException e) {
                throw invalid("occurredAt must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
            }
        }
    }
}

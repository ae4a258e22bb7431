package dev.wallet.messaging;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.wallet.Outcome;
import dev.wallet.RejectionReason;

/**
 * Value of a {@code wallet-events-rejected} record. For an invalid event it echoes the original value: as text when
 * it is UTF-8 that JSON writes at most a third larger, else in base64 ({@code payloadEncoding}); cut to a limit and
 * marked ({@code payloadTruncated}, {@code payloadSize}) when it is too large to echo whole.
 */
@RegisterForReflection // serialised by Jackson, which reflects on it in a native image
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RejectionRecord(String eventId, String userId, RejectionReason reason, String detail, String balance,
        String payload, String payloadEncoding, Boolean payloadTruncated, Integer payloadSize, Source source) {

    /** Where the rejected record was read. */
    @RegisterForReflection
    public record Source(String topic, int partition, long offset) {
    }

    static RejectionRecord of(Outcome.Rejected rejected, ConsumerRecord<String, byte[]> record, int maxPayloadBytes) {
        Source source = new Source(record.topic(), record.partition(), record.offset());
        String balance = rejected.balance() == null ? null : rejected.balance().toPlainString();
        byte[] value = record.value();
        if (rejected.reason() != RejectionReason.INVALID_EVENT || value == null) {
            return new RejectionRecord(rejected.eventId(), rejected.userId(), rejected.reason(), rejected.detail(),
                    balance, null, null, null, null, source);
        }
        boolean truncated = value.length > maxPayloadBytes;
        byte[] echoed = truncated ? Arrays.copyOf(value, maxPayloadBytes) : value;
        String text = utf8(echoed, truncated);
        return new RejectionRecord(rejected.eventId(), rejected.userId(), rejected.reason(), rejected.detail(),
                balance, text != null ? text : Base64.getEncoder().encodeToString(echoed),
                text != null ? null : "base64", truncated ? Boolean.TRUE : null, truncated ? value.length : null,
                source);
    }

    /**
     * The bytes as text, or null when they are not UTF-8 (a cut may split the last character: that one is ignored)
     * or when JSON would write them over a third larger, as base64 does: escaped, control characters take up to six
     * bytes, and the rejection must stay well under Kafka's record size limit.
     */
    private static String utf8(byte[] bytes, boolean truncated) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, truncated ? completeUtf8Length(bytes) : bytes.length))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        return escapes(text) > bytes.length / 3 ? null : text;
    }

    /** The bytes JSON adds to write the text: one each for " \\ \b \f \n \r \t, five for other controls. */
    private static long escapes(String text) {
        return text.chars().mapToLong(c -> switch (c) {
            case '"', '\\', '\b', '\f', '\n', '\r', '\t' -> 1;
            default -> c < 0x20 ? 5 : 0;
        }).sum();
    }

    /** Length without a trailing partial UTF-8 sequence. */
    private static int completeUtf8Length(byte[] bytes) {
        int end = bytes.length;
        int start = end;
        while (start > 0 && end - start < 4 && (bytes[start - 1] & 0xC0) == 0x80) {
            start--;
        }
        if (start == 0) {
            return end;
        }
        int lead = bytes[start - 1] & 0xFF;
        int needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return end - (start - 1) < needed ? start - 1 : end;
    }
}

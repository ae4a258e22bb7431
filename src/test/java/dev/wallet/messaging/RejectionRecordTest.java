package dev.wallet.messaging;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import dev.wallet.Outcome;
import dev.wallet.RejectionReason;

import static org.assertj.core.api.Assertions.assertThat;

/** How a rejection echoes the original value. */
class RejectionRecordTest {

    private static final Outcome.Rejected INVALID = new Outcome.Rejected(null, "u1", RejectionReason.INVALID_EVENT,
            "value is not valid JSON", null);

    @Test
    void utf8ValueIsEchoedAsText() {
        RejectionRecord rejection = RejectionRecord.of(INVALID, record("héllo".getBytes(StandardCharsets.UTF_8)), 100);

        assertThat(rejection.payload()).isEqualTo("héllo");
        assertThat(rejection.payloadEncoding()).isNull();
        assertThat(rejection.payloadTruncated()).isNull();
        assertThat(rejection.source()).isEqualTo(new RejectionRecord.Source("wallet-events", 3, 42));
    }

    @Test
    void nonUtf8ValueIsEchoedInBase64() {
        byte[] value = { (byte) 0xFF, (byte) 0xFE, 'x' };

        RejectionRecord rejection = RejectionRecord.of(INVALID, record(value), 100);

        assertThat(rejection.payloadEncoding()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(rejection.payload())).isEqualTo(value);
    }

    @Test
    void oversizedValueIsCutOnACharacterBoundaryAndMarked() {
        byte[] value = "ééééé".getBytes(StandardCharsets.UTF_8); // 10 bytes, 2 per character

        RejectionRecord rejection = RejectionRecord.of(INVALID, record(value), 5);

        assertThat(rejection.payload()).isEqualTo("éé");
        assertThat(rejection.payloadTruncated()).isTrue();
        assertThat(rejection.payloadSize()).isEqualTo(10);
    }

    @Test
    void insufficientFundsCarriesTheBalanceAndNoPayload() {
        Outcome.Rejected rejected = new Outcome.Rejected("e1", "u1", RejectionReason.INSUFFICIENT_FUNDS, "too much",
                new BigDecimal("4.5"));

        RejectionRecord rejection = RejectionRecord.of(rejected, record("{}".getBytes(StandardCharsets.UTF_8)), 100);

        assertThat(rejection.balance()).isEqualTo("4.5");
        assertThat(rejection.payload()).isNull();
    }

    private static ConsumerRecord<String, byte[]> record(byte[] value) {
        return new ConsumerRecord<>("wallet-events", 3, 42, "u1", value);
    }
}

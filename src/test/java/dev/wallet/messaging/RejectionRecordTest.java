package dev.wallet.messaging;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wallet.Outcome;
import dev.wallet.RejectionReason;
import dev.wallet.config.WalletConfig;
import dev.wallet.store.TestConfigs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a rejection echoes the original value, within what a Kafka record can carry. */
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

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            control characters, 1
            quotes, 34
            backslashes, 92
            """)
    void textJsonWouldInflateIsEchoedInBase64(String name, int character) throws Exception {
        byte[] value = new byte[3000];
        Arrays.fill(value, (byte) character);

        RejectionRecord rejection = RejectionRecord.of(INVALID, record(value), 65536);

        assertThat(rejection.payloadEncoding()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(rejection.payload())).isEqualTo(value);
        // As text, each of these bytes would take two to six.
        assertThat(new ObjectMapper().writeValueAsBytes(rejection)).hasSizeLessThan(4500);
    }

    @Test
    void textWithSomeQuotesTabsAndLineBreaksIsEchoedAsText() {
        String value = "{\n\t\"eventId\": \"e-1\",\n\t\"amount\": \"12.50 EUR\"\n}";

        RejectionRecord rejection = RejectionRecord.of(INVALID, record(value.getBytes(StandardCharsets.UTF_8)), 100);

        assertThat(rejection.payload()).isEqualTo(value);
        assertThat(rejection.payloadEncoding()).isNull();
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

    @Test
    void anEchoCapARejectionCouldNotCarryFailsTheStart() {
        assertThatCode(() -> new OutputRecords(null, cap("262144"), null)).doesNotThrowAnyException();
        assertThatThrownBy(() -> new OutputRecords(null, cap("262145"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max-payload-bytes");
        assertThatThrownBy(() -> new OutputRecords(null, cap("-1"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max-payload-bytes");
    }

    private static WalletConfig cap(String bytes) {
        return TestConfigs.wallet(Map.of("wallet.rejection.max-payload-bytes", bytes));
    }

    private static ConsumerRecord<String, byte[]> record(byte[] value) {
        return new ConsumerRecord<>("wallet-events", 3, 42, "u1", value);
    }
}

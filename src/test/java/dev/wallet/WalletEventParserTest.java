package dev.wallet;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ValueNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The event contract's validation rules, without Kafka or DynamoDB. */
class WalletEventParserTest {

    /** A surrogate with no partner, not Unicode text: regular expressions match paired ones as one code point. */
    private static final String UNPAIRED = "[\\uD800-\\uDFFF]";

    private final WalletEventParser parser = new WalletEventParser(new ObjectMapper(), 2);

    @Test
    void wellFormedEventIsParsedExactly() throws InvalidEventException {
        WalletEvent event = parse("u1", """
                {"eventId":"e1","userId":"u1","type":"DEBIT","amount":0.1,"occurredAt":"2026-01-31T12:00:00Z",
                 "comment":"unknown fields are ignored"}""");

        assertThat(event).isEqualTo(new WalletEvent("e1", "u1", EventType.DEBIT, new BigDecimal("0.1"),
                Instant.parse("2026-01-31T12:00:00Z")));
        assertThat(event.delta()).isEqualByComparingTo("-0.1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"12.50\"                | 12.5",
            "12.50                    | 12.5",
            "100                      | 100",
            "\"1E+2\"                 | 100",
            "0.01                     | 0.01",
            "\"12.500\"               | 12.5",
            "99999999999999999999999999999999999999 | 99999999999999999999999999999999999999" })
    void amountIsReadAsAnExactDecimal(String json, String expected) throws InvalidEventException {
        WalletEvent event = parse("u1", "{\"eventId\":\"e1\",\"userId\":\"u1\",\"type\":\"CREDIT\",\"amount\":" + json
                + "}");

        assertThat(event.amount()).isEqualByComparingTo(expected);
    }

    // JSON written with ' for ", to keep the rows readable.
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            not JSON           | not json | not valid JSON
            not an object      | [1,2] | JSON object
            trailing garbage   | {'eventId':'e'} x | not valid JSON
            duplicate field    | {'eventId':'e','eventId':'f'} | not valid JSON
            missing eventId    | {'userId':'u1','type':'CREDIT','amount':'1'} | eventId is required
            numeric eventId    | {'eventId':7,'userId':'u1','type':'CREDIT','amount':'1'} | eventId must be a string
            empty eventId      | {'eventId':'','userId':'u1','type':'CREDIT','amount':'1'} | eventId must have 1 to 128
            missing userId     | {'eventId':'e','type':'CREDIT','amount':'1'} | userId is required
            unknown type       | {'eventId':'e','userId':'u1','type':'credit','amount':'1'} | type must be CREDIT or DEBIT
            missing type       | {'eventId':'e','userId':'u1','amount':'1'} | type is required
            missing amount     | {'eventId':'e','userId':'u1','type':'CREDIT'} | amount is required
            unpaired surrogate | {'eventId':'a\\ud800b','userId':'u1','type':'CREDIT','amount':'1'} | eventId must be Unicode
            bad occurredAt     | {'eventId':'e','userId':'u1','type':'CREDIT','amount':1,'occurredAt':'-'} | occurredAt must be
            """)
    void contractBreachIsExplained(String name, String json, String detail) {
        assertThatThrownBy(() -> parse("u1", json.replace('\'', '"'))).isInstanceOf(InvalidEventException.class)
                .hasMessageContaining(detail);
    }

    @ParameterizedTest(name = "amount {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            0                                         | must be positive
            '-5'                                      | must be positive
            'NaN'                                     | not a decimal number
            true                                      | amount is required
            '0.001'                                   | at most 2 fraction digits
            '1e40'                                    | at most 38 digits
            1e400                                     | at most 38 digits
            '1e999999999'                             | at most 38 digits
            '1e2147483647'                            | at most 38 digits
            1e2147483647                              | at most 38 digits
            '100e2147483647'                          | at most 38 digits
            '-1e2147483647'                           | must be positive
            '-1e999999999'                            | must be positive
            '1e-2147483647'                           | at most 2 fraction digits
            '10e-2147483648'                          | amount
            '100000000000000000000000000000000000000' | at most 38 digits
            """)
    void amountBreachIsExplained(String amount, String detail) {
        String json = "{'eventId':'e','userId':'u1','type':'CREDIT','amount':%s}".formatted(amount).replace('\'', '"');

        assertThatThrownBy(() -> parse("u1", json)).isInstanceOf(InvalidEventException.class)
                .hasMessageContaining(detail);
    }

    @Test
    void rejectionKeepsTheIdsItCouldRead() {
        assertThatThrownBy(() -> parse("u1", "{\"eventId\":\"e9\",\"userId\":\"u1\",\"type\":\"CREDIT\",\"amount\":0}"))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.eventId()).isEqualTo("e9");
                    assertThat(e.userId()).isEqualTo("u1");
                });
    }

    @Test
    void oversizedIdsAreNotCarriedIntoTheRejection() {
        String json = "{\"eventId\":\"%s\",\"userId\":\"u1\",\"type\":\"CREDIT\",\"amount\":\"1\"}";

        assertThatThrownBy(() -> parse("u1", json.formatted("e".repeat(200_000))))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.eventId()).isNull());
        assertThatThrownBy(() -> parse("u".repeat(300), "nonsense"))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.userId()).isNull());
    }

    @Test
    void unpairedSurrogatesReachNoRejectionField() {
        String json = "{\"eventId\":\"e\\ud800\",\"userId\":\"u1\",\"type\":\"%s\",\"amount\":\"1\"}";

        assertThatThrownBy(() -> parse("u1", json.formatted("CREDIT")))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.eventId()).isNull());
        // An emoji across the detail's cut (300 chars, the first 35 of them ASCII), and a type that is no text.
        String emojis = "x" + "\uD83D\uDE00".repeat(300);
        String pairedJson = json.replace("e\\ud800", "e");
        assertThatThrownBy(() -> parse("u1", pairedJson.formatted(emojis)))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContainPattern(UNPAIRED));
        assertThatThrownBy(() -> parse("u1", pairedJson.formatted("CR\\udc00")))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContainPattern(UNPAIRED).contains("CR\uFFFD"));
    }

    @Test
    void valuesOverTheLimitAreRefusedUnread() throws InvalidEventException {
        String event = "{\"eventId\":\"e\",\"userId\":\"u1\",\"type\":\"CREDIT\",\"amount\":\"1\",\"note\":\"%s\"}";
        String padding = "n".repeat(WalletEventParser.MAX_VALUE_BYTES - event.length() + 2);

        assertThat(parse("u1", event.formatted(padding)).eventId()).isEqualTo("e");
        assertThatThrownBy(() -> parse("u1", event.formatted(padding + "n")))
                .hasMessage("value is over 65536 bytes: 65537");
    }

    @Test
    void recordKeyMustBeTheUserId() {
        String json = "{\"eventId\":\"e\",\"userId\":\"u1\",\"type\":\"CREDIT\",\"amount\":\"1\"}";

        assertThatThrownBy(() -> parse(null, json)).hasMessageContaining("record key is missing");
        assertThatThrownBy(() -> parse("u2", json)).hasMessageContaining("record key must equal userId");
    }

    @Test
    void keyThatIsNotUtf8IsRefusedEvenWhenTheUserIdSaysTheSame() {
        // Kafka's StringDeserializer decodes the bytes 0xFF and 0xFE alike, to U+FFFD.
        String decoded = new String(new byte[] { 'u', (byte) 0xFF }, StandardCharsets.UTF_8);
        String json = "{\"eventId\":\"e\",\"userId\":\"u\\ufffd\",\"type\":\"CREDIT\",\"amount\":\"1\"}";

        assertThatThrownBy(() -> parse(decoded, json)).hasMessageContaining("UTF-8");
    }

    @Test
    void idsOverTheirLimitsAreRefused() {
        String json = "{\"eventId\":\"%s\",\"userId\":\"%s\",\"type\":\"CREDIT\",\"amount\":\"1\"}";

        assertThatThrownBy(() -> parse("u1", json.formatted("e".repeat(129), "u1")))
                .hasMessageContaining("eventId must have 1 to 128 characters, has 129");
        String longUser = "u".repeat(257);
        assertThatThrownBy(() -> parse(longUser, json.formatted("e", longUser)))
                .hasMessageContaining("userId must have 1 to 256 characters, has 257");
    }

    @Test
    void emptyNonUtf8AndDeeplyNestedValuesAreRefused() {
        assertThatThrownBy(() -> parser.parse("u1", new byte[0])).hasMessageContaining("value is empty");
        assertThatThrownBy(() -> parser.parse("u1", new byte[] { '{', '"', (byte) 0xC3, (byte) 0x28, '"', '}' }))
                .hasMessageContaining("not valid JSON");
        String nested = "[".repeat(5000) + "]".repeat(5000);
        assertThatThrownBy(() -> parse("u1", nested)).hasMessageContaining("not valid JSON");
    }

    @Test
    void valueTheParserFailsOnUnforeseenIsRejectedWithTheKeyInsteadOfThrown() {
        // A number the JSON tree cannot hold, as a stand-in for any failure no rule foresaw.
        ObjectMapper failing = new ObjectMapper().setNodeFactory(new JsonNodeFactory(true) {
            @Override
            public ValueNode numberNode(BigDecimal value) {
                throw new ArithmeticException("Overflow");
            }
        });
        WalletEventParser fragile = new WalletEventParser(failing, 2);

        assertThatThrownBy(() -> fragile.parse("u1",
                "{\"eventId\":\"e\",\"userId\":\"u1\",\"type\":\"CREDIT\",\"amount\":1.5}"
                        .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e).hasMessage("value could not be read: java.lang.ArithmeticException: Overflow");
                    assertThat(e.userId()).isEqualTo("u1");
                });
    }

    private WalletEvent parse(String key, String json) throws InvalidEventException {
        return parser.parse(key, json.getBytes(StandardCharsets.UTF_8));
    }
}

package dev.wallet;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.wallet.servers.LocalServersResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A corpus of bad records between good events: each bad one ends on the rejections topic as INVALID_EVENT with its
 * original value, and the good ones around it are applied.
 */
@QuarkusTest
@QuarkusTestResource(LocalServersResource.class)
class HostileInputTest extends ServiceTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final int MAX_ECHOED_BYTES = 65536;

    private final String user = "hostile-" + UUID.randomUUID();

    /** One bad record: its key, its value, and a fragment its rejection's detail must contain. */
    private record Bad(String name, String key, byte[] value, String detail) {
    }

    @Test
    void everyBadRecordIsRejectedWithItsPayloadAndGoodEventsAroundItAreApplied() {
        List<Bad> corpus = corpus();
        List<RecordMetadata> sent = new ArrayList<>();
        client.send(id(), user, "CREDIT", "1");
        for (Bad bad : corpus) {
            sent.add(client.send(bad.key(), bad.value()));
            client.send(id(), user, "CREDIT", "1");
        }

        List<JsonNode> balances = await().atMost(PATIENCE).until(() -> client.balancesOf(user),
                b -> b.size() == corpus.size() + 1);
        assertThat(balances.get(corpus.size()).get("balance").asText()).isEqualTo(Integer.toString(corpus.size() + 1));
        for (int i = 0; i < corpus.size(); i++) {
            RecordMetadata position = sent.get(i);
            JsonNode rejection = await(corpus.get(i).name()).atMost(PATIENCE)
                    .until(() -> client.rejectionOf(position), Optional::isPresent).orElseThrow();
            assertRejection(corpus.get(i), rejection);
        }
    }

    private void assertRejection(Bad bad, JsonNode rejection) {
        assertThat(rejection.get("reason").asText()).as(bad.name()).isEqualTo("INVALID_EVENT");
        assertThat(rejection.get("detail").asText()).as(bad.name()).contains(bad.detail());
        if (bad.value().length == 0) {
            return;
        }
        assertThat(rejection.has("payload")).as(bad.name()).isTrue();
        if (bad.value().length > MAX_ECHOED_BYTES) {
            assertThat(rejection.get("payloadTruncated").asBoolean()).as(bad.name()).isTrue();
            assertThat(rejection.get("payloadSize").asInt()).as(bad.name()).isEqualTo(bad.value().length);
        } else if (rejection.has("payloadEncoding")) {
            assertThat(java.util.Base64.getDecoder().decode(rejection.get("payload").asText())).as(bad.name())
                    .isEqualTo(bad.value());
        } else {
            assertThat(rejection.get("payload").asText().getBytes(StandardCharsets.UTF_8)).as(bad.name())
                    .isEqualTo(bad.value());
        }
    }

    private List<Bad> corpus() {
        String valid = EventJson.of("EID", user, "CREDIT", "1");
        List<Bad> corpus = new ArrayList<>();
        corpus.add(bad("not JSON", "hello", "not valid JSON"));
        corpus.add(bad("JSON array", "[1,2,3]", "JSON object"));
        corpus.add(bad("JSON string", "\"" + user + "\"", "JSON object"));
        corpus.add(new Bad("empty value", user, new byte[0], "value is empty"));
        corpus.add(new Bad("null key", null, valid.replace("EID", id()).getBytes(StandardCharsets.UTF_8),
                "record key is missing"));
        corpus.add(bad("missing eventId", "{\"userId\":\"" + user + "\",\"type\":\"CREDIT\",\"amount\":\"1\"}",
                "eventId is required"));
        corpus.add(bad("missing amount", valid.replace(",\"amount\":\"1\"", ""), "amount is required"));
        corpus.add(bad("numeric userId", valid.replace("\"userId\":\"" + user + "\"", "\"userId\":42"),
                "userId must be a string"));
        corpus.add(bad("amount zero", withAmount(valid, "\"0\""), "must be positive"));
        corpus.add(bad("amount negative", withAmount(valid, "-3"), "must be positive"));
        corpus.add(bad("amount NaN", withAmount(valid, "\"NaN\""), "not a decimal number"));
        corpus.add(bad("amount 1e400", withAmount(valid, "\"1e400\""), "38 digits"));
        corpus.add(bad("amount 1e2147483647", withAmount(valid, "1e2147483647"), "38 digits"));
        corpus.add(bad("amount 100e2147483647", withAmount(valid, "\"100e2147483647\""), "38 digits"));
        corpus.add(bad("amount -1e2147483647", withAmount(valid, "\"-1e2147483647\""), "must be positive"));
        corpus.add(bad("amount 39 digits", withAmount(valid, "\"1" + "0".repeat(38) + "\""), "38 digits"));
        corpus.add(bad("amount too precise", withAmount(valid, "\"1.005\""), "fraction digits"));
        corpus.add(bad("unknown type", valid.replace("CREDIT", "REFUND"), "type must be CREDIT or DEBIT"));
        corpus.add(bad("eventId with an unpaired surrogate", valid.replace("EID", "EID\\ud800"),
                "eventId must be Unicode text"));
        corpus.add(bad("eventId too long", valid.replace("EID", "e".repeat(129)), "eventId must have 1 to 128"));
        corpus.add(new Bad("userId too long", "u".repeat(257), valid.replace(user, "u".repeat(257))
                .getBytes(StandardCharsets.UTF_8), "userId must have 1 to 256"));
        corpus.add(bad("1 MiB value", "{\"eventId\":\"" + "x".repeat(1024 * 1024) + "\"}", "value is over 65536 bytes"));
        corpus.add(new Bad("non-UTF-8 bytes", user, new byte[] { '{', (byte) 0xFF, (byte) 0xFE, '}' },
                "not valid JSON"));
        corpus.add(bad("deeply nested", "[".repeat(20_000) + "]".repeat(20_000), "not valid JSON"));
        return corpus;
    }

    private Bad bad(String name, String value, String detail) {
        return new Bad(name, user, value.replace("EID", id()).getBytes(StandardCharsets.UTF_8), detail);
    }

    private static String withAmount(String event, String amount) {
        return event.replace("\"amount\":\"1\"", "\"amount\":" + amount);
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}

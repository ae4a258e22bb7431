package dev.wallet;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.wallet.messaging.Channels;
import dev.wallet.servers.DevKeys;
import dev.wallet.servers.LocalServersResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** GET /wallets/{userId}: what DynamoDB holds after events went through Kafka, for a reader's token only. */
@QuarkusTest
@QuarkusTestResource(LocalServersResource.class)
class WalletApiTest extends ServiceTest {

    private static final Duration VALID = Duration.ofMinutes(5);

    @TestHTTPResource("/wallets/")
    URI wallets;

    private final String user = "api-" + UUID.randomUUID();

    @Test
    void readerSeesTheBalanceVersionAndLastWriteOfAppliedEvents() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        client.send(UUID.randomUUID().toString(), user, "CREDIT", "20.50");
        client.send(UUID.randomUUID().toString(), user, "DEBIT", "8");
        await().atMost(Duration.ofSeconds(60)).until(() -> client.balancesOf(user).size() == 2);

        HttpResponse<String> response = get(user, endpoints.keys().token(VALID, DevKeys.READER));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode wallet = WalletTestClient.json(response.body());
        assertThat(wallet.get("userId").asText()).isEqualTo(user);
        assertThat(new BigDecimal(wallet.get("balance").asText())).isEqualByComparingTo("12.50");
        assertThat(wallet.get("version").asLong()).isEqualTo(2);
        assertThat(Instant.parse(wallet.get("updatedAt").asText())).isAfter(before).isBefore(Instant.now());
    }

    @Test
    void unknownUserIsNotFoundAndNothingIsWritten() throws Exception {
        HttpResponse<String> response = get(user, endpoints.keys().token(VALID, DevKeys.READER));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(WalletTestClient.json(response.body()).get("status").asInt()).isEqualTo(404);
        assertThat(client.walletItem(user)).isEmpty();
    }

    @Test
    void userWhoseOnlyEventWasRefusedAsTooOldIsNotFound() throws Exception {
        String eventId = UUID.randomUUID().toString();
        long eightDaysAgo = Instant.now().minus(Duration.ofDays(8)).toEpochMilli();
        client.send(new ProducerRecord<>(Channels.EVENTS, null, eightDaysAgo, user,
                EventJson.of(eventId, user, "CREDIT", "5").getBytes(StandardCharsets.UTF_8)));
        await().atMost(Duration.ofSeconds(60)).until(() -> client.rejectionsOf(eventId).size() == 1);

        HttpResponse<String> response = get(user, endpoints.keys().token(VALID, DevKeys.READER));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(client.walletItem(user)).as("written to refuse it").containsKey("last_run");
    }

    @Test
    void emptyOrOverlongUserIdIsABadRequest() throws Exception {
        String token = endpoints.keys().token(VALID, DevKeys.READER);
        for (String userId : new String[] { "", "u".repeat(WalletEvent.MAX_USER_ID_LENGTH + 1) }) {
            HttpResponse<String> response = get(userId, token);
            assertThat(response.statusCode()).as("userId of %d characters", userId.length()).isEqualTo(400);
            assertThat(WalletTestClient.json(response.body()).get("error").asText()).contains("userId");
        }
    }

    @Test
    void userIdLengthIsCountedInCharactersAsTheEventContractCountsIt() throws Exception {
        // 256 characters outside the Basic Multilingual Plane: 512 UTF-16 units, a valid userId.
        String longest = "\uD83D\uDCB0".repeat(WalletEvent.MAX_USER_ID_LENGTH);

        HttpResponse<String> response = get(URLEncoder.encode(longest, StandardCharsets.UTF_8),
                endpoints.keys().token(VALID, DevKeys.READER));

        assertThat(response.statusCode()).isEqualTo(404);
    }

    @Test
    void withoutAValidTokenTheAnswerIs401() throws Exception {
        assertThat(get(user, null).statusCode()).as("no token").isEqualTo(401);
        assertThat(get(user, endpoints.keys().token(Duration.ofMinutes(-5), DevKeys.READER)).statusCode())
                .as("expired").isEqualTo(401);
        assertThat(get(user, DevKeys.foreignToken(DevKeys.READER)).statusCode()).as("signed by another key")
                .isEqualTo(401);
    }

    @Test
    void anotherRoleIsForbidden() throws Exception {
        assertThat(get(user, endpoints.keys().token(VALID, "wallet-admin")).statusCode()).isEqualTo(403);
    }

    @Test
    void openApiDescribesTheReadEndpoint() throws Exception {
        HttpResponse<String> response = endpoints.management().get("/q/openapi?format=json");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(WalletTestClient.json(response.body()).path("paths").has("/wallets/{userId}")).isTrue();
    }

    private HttpResponse<String> get(String userId, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(wallets.resolve(userId));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

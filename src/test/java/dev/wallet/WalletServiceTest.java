package dev.wallet;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

import dev.wallet.messaging.Channels;
import dev.wallet.servers.DynamoDbLocal;
import dev.wallet.servers.LocalServersResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The event contract, end to end: a real Kafka broker and DynamoDB Local, the service in between. */
@QuarkusTest
@QuarkusTestResource(LocalServersResource.class)
class WalletServiceTest extends ServiceTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final String user = "user-" + UUID.randomUUID();

    @Test
    void creditToMissingWalletCreatesIt() {
        String eventId = id();
        client.send(eventId, user, "CREDIT", "12.50");

        JsonNode balance = awaitBalances(1).get(0);
        assertThat(balance.get("userId").asText()).isEqualTo(user);
        assertThat(balance.get("eventId").asText()).isEqualTo(eventId);
        assertThat(new BigDecimal(balance.get("balance").asText())).isEqualByComparingTo("12.50");
        assertThat(balance.get("version").asLong()).isEqualTo(1);
        assertThat(balance.get("type").asText()).isEqualTo("CREDIT");
        assertThat(new BigDecimal(balance.get("amount").asText())).isEqualByComparingTo("12.5");
        assertThat(balance.get("appliedAt").asText()).isNotBlank();
        assertWallet("12.5", 1);
    }

    @Test
    void debitWithinBalanceIsApplied() {
        client.send(id(), user, "CREDIT", "10");
        client.send(id(), user, "DEBIT", "10");

        assertThat(awaitBalances(2)).extracting(b -> b.get("balance").asText()).containsExactly("10", "0");
        assertWallet("0", 2);
    }

    @Test
    void debitBeyondBalanceIsRejectedWithTheBalance() {
        client.send(id(), user, "CREDIT", "10");
        String debit = id();
        client.send(debit, user, "DEBIT", "10.01");

        JsonNode rejection = awaitRejections(debit, 1).get(0);
        assertThat(rejection.get("reason").asText()).isEqualTo("INSUFFICIENT_FUNDS");
        assertThat(rejection.get("userId").asText()).isEqualTo(user);
        assertThat(new BigDecimal(rejection.get("balance").asText())).isEqualByComparingTo("10");
        assertThat(rejection.get("detail").asText()).contains("exceeds the balance");
        assertThat(rejection.get("source").get("topic").asText()).isEqualTo("wallet-events");
        assertWallet("10", 1);
    }

    @Test
    void debitFromMissingWalletIsRejectedAgainstZero() {
        String debit = id();
        client.send(debit, user, "DEBIT", "0.01");

        JsonNode rejection = awaitRejections(debit, 1).get(0);
        assertThat(rejection.get("reason").asText()).isEqualTo("INSUFFICIENT_FUNDS");
        assertThat(new BigDecimal(rejection.get("balance").asText())).isEqualByComparingTo("0");
        assertThat(client.walletItem(user)).isEmpty();
    }

    @Test
    void eventSentLongerAgoThanEventIdsAreRememberedIsRejectedAsTooOld() {
        String credit = id();
        // A record keeps the timestamp its producer gave it: this one says eight days, past the retention of P7D.
        long eightDaysAgo = Instant.now().minus(Duration.ofDays(8)).toEpochMilli();
        client.send(new ProducerRecord<>(Channels.EVENTS, null, eightDaysAgo, user,
                EventJson.of(credit, user, "CREDIT", "5").getBytes(StandardCharsets.UTF_8)));
        client.send(id(), user, "CREDIT", "1");

        JsonNode rejection = awaitRejections(credit, 1).get(0);
        assertThat(rejection.get("reason").asText()).isEqualTo("EVENT_TOO_OLD");
        assertThat(rejection.get("detail").asText()).contains("wallet.idempotency.retention");
        assertWallet("1", 1);
    }

    @Test
    void producersRetryIsAppliedOncePublishedOnce() {
        String credit = id();
        client.send(credit, user, "CREDIT", "5");
        client.send(credit, user, "CREDIT", "5");
        client.send(id(), user, "CREDIT", "1");

        awaitBalances(2);
        // The last credit comes after the retry in the partition: once its balance is out,
        // so is anything of the retry.
        client.awaitCaughtUp();
        assertThat(client.balancesOf(user)).extracting(b -> b.get("version").asLong()).containsExactly(1L, 2L);
        assertThat(client.balancesOf(user)).extracting(b -> b.get("balance").asText()).containsExactly("5", "6");
        assertThat(client.rejectionsOf(credit)).isEmpty();
        assertWallet("6", 2);
    }

    @Test
    void rejectedEventStaysRejectedAfterFundsArriveAndItsRetryPublishesNothing() {
        String debit = id();
        client.send(debit, user, "DEBIT", "5");
        client.send(id(), user, "CREDIT", "10");
        client.send(debit, user, "DEBIT", "5");
        client.send(id(), user, "CREDIT", "1");

        awaitBalances(2);
        // The last credit comes after the retry in the partition: once its balance is out,
        // so is anything of the retry.
        client.awaitCaughtUp();
        assertThat(client.balancesOf(user)).extracting(b -> b.get("balance").asText()).containsExactly("10", "11");
        assertThat(client.rejectionsOf(debit)).singleElement().satisfies(rejection -> {
            assertThat(rejection.get("reason").asText()).isEqualTo("INSUFFICIENT_FUNDS");
            assertThat(rejection.get("balance").asText()).isEqualTo("0");
        });
        assertWallet("11", 2);
    }

    @Test
    void eventIdReusedForAnotherAmountIsAConflict() {
        String eventId = id();
        client.send(eventId, user, "CREDIT", "5");
        client.send(eventId, user, "CREDIT", "50");

        JsonNode rejection = awaitRejections(eventId, 1).get(0);
        assertThat(rejection.get("reason").asText()).isEqualTo("EVENT_ID_CONFLICT");
        assertThat(rejection.get("detail").asText()).contains("amount");
        assertWallet("5", 1);
    }

    @Test
    void malformedRecordIsRejectedWithItsPayloadAndConsumingGoesOn() {
        client.send(user, "{\"eventId\": oops".getBytes(StandardCharsets.UTF_8));
        client.send(id(), user, "CREDIT", "3");

        awaitBalances(1);
        JsonNode rejection = await().atMost(PATIENCE).until(() -> client.rejectionRecords().stream()
                .filter(r -> user.equals(r.key())).map(r -> WalletTestClient.json(r.value())).findFirst(),
                found -> found.isPresent()).orElseThrow();
        assertThat(rejection.get("reason").asText()).isEqualTo("INVALID_EVENT");
        assertThat(rejection.get("payload").asText()).isEqualTo("{\"eventId\": oops");
        assertThat(rejection.get("detail").asText()).startsWith("value is not valid JSON");
        assertThat(rejection.get("source").get("offset").asLong()).isNotNegative();
        assertWallet("3", 1);
    }

    @Test
    void invalidAmountIsRejectedWithTheEventId() {
        String eventId = id();
        client.send(user, EventJson.of(eventId, user, "CREDIT", "1.001").getBytes(StandardCharsets.UTF_8));

        JsonNode rejection = awaitRejections(eventId, 1).get(0);
        assertThat(rejection.get("reason").asText()).isEqualTo("INVALID_EVENT");
        assertThat(rejection.get("detail").asText()).contains("fraction digits");
        assertThat(rejection.get("payload").asText()).contains("1.001");
        assertThat(client.walletItem(user)).isEmpty();
    }

    @Test
    void creditBeyondThirtyEightDigitsIsRejectedAndNotRetried() {
        String largest = "999999999999999999999999999999999999.99";
        client.send(id(), user, "CREDIT", largest);
        String overflow = id();
        client.send(overflow, user, "CREDIT", largest);
        client.send(id(), user, "DEBIT", "0.99");

        JsonNode rejection = awaitRejections(overflow, 1).get(0);
        assertThat(rejection.get("reason").asText()).isEqualTo("INVALID_EVENT");
        assertThat(rejection.get("detail").asText()).contains("38 digits");
        assertThat(awaitBalances(2)).extracting(b -> b.get("version").asLong()).containsExactly(1L, 2L);
        assertWallet("999999999999999999999999999999999999", 2);
    }

    @Test
    void eventsOfOneUserAreAppliedInPartitionOrder() {
        List<String> expected = new ArrayList<>();
        BigDecimal balance = BigDecimal.ZERO;
        for (int i = 1; i <= 30; i++) {
            // Each debit empties the wallet: applied out of order, some would be rejected.
            String type = i % 2 == 1 ? "CREDIT" : "DEBIT";
            BigDecimal amount = BigDecimal.valueOf(i % 2 == 1 ? i : i - 1);
            client.send(id(), user, type, amount.toPlainString());
            balance = type.equals("CREDIT") ? balance.add(amount) : balance.subtract(amount);
            expected.add(balance.toPlainString());
        }

        List<JsonNode> balances = awaitBalances(30);
        assertThat(balances).extracting(b -> b.get("version").asInt())
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 30).boxed().toList());
        assertThat(balances).extracting(b -> new BigDecimal(b.get("balance").asText()).toPlainString())
                .containsExactlyElementsOf(expected);
    }

    @Test
    void eventIsAppliedOnceDynamoDbComesBackAndReadinessFollows() throws Exception {
        String first = id();
        client.send(first, user, "CREDIT", "1");
        awaitBalances(1);
        // Its balance is committed only once its record is written.
        assertThat(client.eventRecord(first)).isNotEmpty();

        endpoints.dynamoDbLine().cut();
        try {
            client.send(id(), user, "CREDIT", "2");
            await().atMost(PATIENCE).until(() -> endpoints.management().readiness() == 503);
            assertThat(client.balancesOf(user)).hasSize(1);
        } finally {
            endpoints.dynamoDbLine().heal();
        }

        assertThat(awaitBalances(2)).extracting(b -> b.get("balance").asText()).containsExactly("1", "3");
        await().atMost(PATIENCE).until(() -> endpoints.management().readiness() == 200);
        assertWallet("3", 2);
    }

    @Test
    void everyMetricTheAlertRulesUseIsExposed() throws Exception {
        client.send(id(), user, "CREDIT", "1");
        awaitBalances(1);
        Set<String> used = new TreeSet<>();
        Matcher names = Pattern.compile("\\b(?:wallet|kafka)_[a-z_]+").matcher(
                Files.readString(Path.of("docs", "alerts", "wallet-alerts.yml")));
        while (names.find()) {
            used.add(names.group());
        }
        assertThat(used).contains("wallet_outcomes_total", "kafka_consumer_fetch_manager_records_lag_max");
        String metrics = endpoints.management().metrics();
        assertThat(used).allSatisfy(name -> assertThat(metrics).as("/q/metrics").containsPattern(
                "(?m)^" + name + "[{ ]"));
    }

    @Test
    void everyStageOfAProcessedBatchIsTimed() throws Exception {
        client.send(id(), user, "CREDIT", "1");
        awaitBalances(1);

        // The commit stage ends just after the outputs are visible.
        await().atMost(PATIENCE).untilAsserted(() -> {
            String metrics = endpoints.management().metrics();
            for (String stage : List.of("queued", "apply", "record", "turn", "commit")) {
                Matcher count = Pattern.compile("(?m)^wallet_batch_stage_seconds_count\\{[^}]*stage=\"" + stage
                        + "\"[^}]*\\} (\\S+)$").matcher(metrics);
                assertThat(count.find()).as(stage).isTrue();
                assertThat(Double.parseDouble(count.group(1))).as(stage).isPositive();
            }
        });
    }

    @Test
    void missingTablesAreCreatedPayPerRequestWithEventRecordsExpiring() {
        TableDescription wallet = client.dynamo.describeTable(r -> r.tableName(DynamoDbLocal.WALLET_TABLE)).table();
        assertThat(wallet.keySchema()).singleElement().satisfies(key -> {
            assertThat(key.attributeName()).isEqualTo("user_id");
            assertThat(key.keyType()).isEqualTo(KeyType.HASH);
        });
        assertThat(wallet.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
        assertThat(client.dynamo.describeTimeToLive(r -> r.tableName(DynamoDbLocal.EVENTS_TABLE))
                .timeToLiveDescription().timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
    }

    private List<JsonNode> awaitBalances(int count) {
        return await().atMost(PATIENCE).until(() -> client.balancesOf(user), b -> b.size() >= count);
    }

    private List<JsonNode> awaitRejections(String eventId, int count) {
        return await().atMost(PATIENCE).until(() -> client.rejectionsOf(eventId), r -> r.size() >= count);
    }

    private void assertWallet(String balance, long version) {
        Map<String, AttributeValue> item = await().atMost(PATIENCE)
                .until(() -> client.walletItem(user), i -> i.containsKey("version")
                        && Long.parseLong(i.get("version").n()) >= version);
        assertThat(new BigDecimal(item.get("balance").n())).isEqualByComparingTo(balance);
        assertThat(Long.parseLong(item.get("version").n())).isEqualTo(version);
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}

package dev.wallet;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.wallet.iam.RecordedActions;
import dev.wallet.servers.LocalServersResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docs/iam-policy.json against what the service really sends DynamoDB: every request of a run is recorded by an SDK
 * interceptor ({@link RecordedActions}), table creation at startup included.
 */
@QuarkusTest
@QuarkusTestResource(LocalServersResource.class)
class IamPolicyTest extends ServiceTest {

    private static final Path POLICY = Path.of("docs", "iam-policy.json");
    private static final Set<String> TABLE_CREATION = Set.of("dynamodb:DescribeTable", "dynamodb:CreateTable",
            "dynamodb:DescribeTimeToLive", "dynamodb:UpdateTimeToLive");

    @ConfigProperty(name = "wallet.table.name")
    String walletTable;

    @ConfigProperty(name = "wallet.table.events-name")
    String eventsTable;

    @Test
    void policyAllowsEveryActionTheServiceUses() throws IOException {
        String user = "iam-" + UUID.randomUUID();
        String credit = UUID.randomUUID().toString();
        String overdraft = UUID.randomUUID().toString();
        String invalid = UUID.randomUUID().toString();
        client.send(credit, user, "CREDIT", "10");
        client.send(UUID.randomUUID().toString(), user, "DEBIT", "4");
        client.send(overdraft, user, "DEBIT", "100");
        client.send(credit, user, "CREDIT", "10");
        client.send(credit, user, "CREDIT", "11");
        client.send(invalid, user, "CREDIT", "not a number");
        await().atMost(Duration.ofSeconds(60)).until(() -> client.balancesOf(user).size() >= 2
                && !client.rejectionsOf(overdraft).isEmpty() && !client.rejectionsOf(invalid).isEmpty()
                // The same eventId with another amount: a conflict, judged against the recorded first use.
                && !client.rejectionsOf(credit).isEmpty());

        Set<String> used = RecordedActions.actions();
        assertThat(used).as("the interceptor saw the writes").contains("dynamodb:BatchWriteItem");
        assertThat(allowed(null)).as("actions in %s", POLICY).containsAll(used);
    }

    @Test
    void tableCreationHasAStatementOfItsOwnAndOnlyTheServiceTablesAreNamed() throws IOException {
        assertThat(allowed("CreateMissingTables")).containsExactlyInAnyOrderElementsOf(TABLE_CREATION);
        assertThat(allowed("ApplyEvents")).doesNotContainAnyElementsOf(TABLE_CREATION);
        for (JsonNode statement : new ObjectMapper().readTree(POLICY.toFile()).path("Statement")) {
            assertThat(statement.path("Resource")).extracting(JsonNode::asText).as(statement.path("Sid").asText())
                    .containsExactlyInAnyOrder("arn:aws:dynamodb:REGION:ACCOUNT_ID:table/" + walletTable,
                            "arn:aws:dynamodb:REGION:ACCOUNT_ID:table/" + eventsTable);
        }
    }

    /** The actions of the statement {@code sid}, or of all statements when null. */
    private static Set<String> allowed(String sid) throws IOException {
        Set<String> actions = new HashSet<>();
        for (JsonNode statement : new ObjectMapper().readTree(POLICY.toFile()).path("Statement")) {
            if (sid == null || sid.equals(statement.path("Sid").asText())) {
                statement.path("Action").forEach(action -> actions.add(action.asText()));
            }
        }
        return actions;
    }
}

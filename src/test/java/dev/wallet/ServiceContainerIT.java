package dev.wallet;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.wallet.servers.Directories;
import dev.wallet.servers.LocalServers;
import dev.wallet.servers.LocalServersResource.Endpoints;
import dev.wallet.servers.Management;
import dev.wallet.servers.Podman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The JVM image as users run it: built with podman from {@code src/main/docker/Dockerfile.jvm} on a locally made
 * JRE base, and run with the service's environment from {@code docker-compose.yml}, only the addresses pointed at
 * this test's Kafka and DynamoDB Local.
 */
class ServiceContainerIT {

    private static final Path WORK = Path.of("target", "container-it");
    private static final Path COMPOSE = Path.of("docker-compose.yml");
    /** The compose file's stop_grace_period: how long a stop may take before the engine kills the container. */
    private static final Duration GRACE = Duration.ofSeconds(30);

    private static LocalServers servers;
    private static Podman podman;
    private static String image;

    @BeforeAll
    static void buildImage() {
        Directories.deleteRecursively(WORK);
        podman = Podman.withBaseImage(WORK);
        image = podman.build("src/main/docker/Dockerfile.jvm", "localhost/wallet-event-service:it");
        servers = LocalServers.start(WORK.resolve("servers"));
    }

    @AfterAll
    static void stopServers() {
        if (servers != null) {
            servers.close();
        }
    }

    @Test
    void composeFileIsValidOffline() {
        Podman.validateCompose(COMPOSE);
    }

    @Test
    void imageAppliesEventsAndSigtermStopsItWithNothingLost() throws Exception {
        int port = LocalServers.freePort();
        int management = LocalServers.freePort();
        String name = "wallet-it-" + UUID.randomUUID();
        String alice = "alice-" + UUID.randomUUID();
        String bob = "bob-" + UUID.randomUUID();
        int bobsEvents = 300;
        try (WalletTestClient client = new WalletTestClient(
                new Endpoints(servers.kafka().bootstrapServers(), servers.dynamo().endpoint(), null, null,
                        new Management(management)))) {
            Process container = startReady(name, port, management, "first");
            client.send("e1-" + alice, alice, "CREDIT", "25.00");
            client.send("e2-" + alice, alice, "DEBIT", "40");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(client.balancesOf(alice)).singleElement()
                        .satisfies(balance -> assertThat(balance.path("balance").asText()).isEqualTo("25"));
                assertThat(client.rejectionsOf("e2-" + alice)).singleElement().satisfies(
                        rejection -> assertThat(rejection.path("reason").asText()).isEqualTo("INSUFFICIENT_FUNDS"));
            });

            // All at once, so that the SIGTERM right after them likely finds batches in flight.
            client.sendAll(IntStream.rangeClosed(1, bobsEvents)
                    .mapToObj(i -> WalletTestClient.record("e" + i + "-" + bob, bob, "CREDIT", "1")).toList());
            podman.signal(name, "TERM");
            assertThat(container.waitFor(GRACE.toSeconds(), TimeUnit.SECONDS)).as("stopped within its grace").isTrue();
            assertThat(container.exitValue()).as("exit code after SIGTERM").isIn(0, 143);
            assertThat(WORK.resolve(name + "-first.log")).content().contains("wallet-event-service stopped in");

            Process again = startReady(name, port, management, "second");
            try {
                List<Integer> versions = IntStream.rangeClosed(1, bobsEvents).boxed().toList();
                await().atMost(Duration.ofSeconds(90)).until(() -> client.balancesOf(bob).size() >= bobsEvents);
                client.awaitCaughtUp();
                // Each version once, in order: no copy across the stop and restart.
                assertThat(client.balancesOf(bob)).extracting(balance -> balance.path("version").asInt())
                        .containsExactlyElementsOf(versions);
                assertThat(client.walletItem(bob).get("balance").n()).isEqualTo(Integer.toString(bobsEvents));
            } finally {
                podman.signal(name, "TERM");
                again.waitFor(GRACE.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            podman.remove(name);
        }
    }

    /** Runs the image with the compose file's environment for the service, pointed at this test's servers. */
    private Process startReady(String name, int port, int management, String run) throws IOException {
        Map<String, String> env = new HashMap<>(composeEnvironment("wallet-service"));
        env.put("KAFKA_BOOTSTRAP_SERVERS", servers.kafka().bootstrapServers());
        env.put("QUARKUS_DYNAMODB_ENDPOINT_OVERRIDE", servers.dynamo().endpoint());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(management));
        Process container = podman.start(name, image, env, WORK.resolve(name + "-" + run + ".log"));
        await("container ready").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!container.isAlive()) {
                throw new IllegalStateException("The container exited, see " + WORK.resolve(name + "-" + run + ".log"));
            }
            return new Management(management).ready();
        });
        return container;
    }

    private static Map<String, String> composeEnvironment(String service) throws IOException {
        JsonNode environment = new ObjectMapper(new YAMLFactory()).readTree(COMPOSE.toFile())
                .path("services").path(service).path("environment");
        assertThat(environment.isObject()).as("%s's environment in %s, as a map", service, COMPOSE).isTrue();
        Map<String, String> env = new HashMap<>();
        environment.fields().forEachRemaining(field -> env.put(field.getKey(), field.getValue().asText()));
        return env;
    }
}

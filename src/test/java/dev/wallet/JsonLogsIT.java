package dev.wallet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wallet.servers.Directories;
import dev.wallet.servers.KafkaBroker;
import dev.wallet.servers.LocalServers;
import dev.wallet.servers.ServiceProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The packaged service with JSON logs switched on, as a log pipeline would read them. */
class JsonLogsIT {

    private static final Path WORK = Path.of("target", "json-logs");
    private static final ObjectMapper JSON = new ObjectMapper();
    // Amounts no other field of a log line could hold by chance.
    private static final String CREDIT = "4817.23";
    private static final String DEBIT = "9051.77";

    @Test
    void outcomeLinesCarryEventUserPartitionAndOffsetAndNoAmountIsLoggedAtInfo() throws Exception {
        Directories.deleteRecursively(WORK);
        Path log = WORK.resolve("service.log");
        String user = "json-" + UUID.randomUUID();
        String credit = UUID.randomUUID().toString();
        String debit = UUID.randomUUID().toString();
        try (LocalServers servers = LocalServers.start(WORK.resolve("servers"))) {
            servers.kafka().createTopics(KafkaBroker.SERVICE_TOPICS);
            ServiceProcess service = new ServiceProcess("service", servers.kafka().bootstrapServers(),
                    servers.dynamo().endpoint(), List.of("-Dquarkus.log.console.json.enabled=true",
                            "-Dquarkus.log.category.\"dev.wallet.outcomes\".level=DEBUG"),
                    log);
            service.start();
            try {
                produce(servers.kafka().bootstrapServers(), user, List.of(
                        EventJson.of(credit, user, "CREDIT", CREDIT),
                        EventJson.of(debit, user, "DEBIT", DEBIT)));
                await().atMost(Duration.ofSeconds(60)).until(() -> outcomeLines(log).size() >= 2);
            } finally {
                service.stop();
            }
        }

        List<JsonNode> lines = jsonLines(log);
        assertThat(lines).as("JSON lines of %s", log).hasSizeGreaterThan(10);
        assertThat(outcomeLines(log)).extracting(line -> line.path("mdc").path("eventId").asText())
                .containsExactly(credit, debit);
        assertThat(outcomeLines(log)).allSatisfy(line -> {
            assertThat(line.path("mdc").path("userId").asText()).isEqualTo(user);
            assertThat(line.path("mdc").path("partition").asText()).matches("\\d+");
            assertThat(line.path("mdc").path("offset").asText()).matches("\\d+");
        });
        assertThat(outcomeLines(log)).extracting(line -> line.path("message").asText())
                .containsExactly("Applied", "Rejected: INSUFFICIENT_FUNDS");
        assertThat(lines).filteredOn(line -> !line.path("level").asText().equals("DEBUG"))
                .extracting(JsonNode::toString).noneMatch(line -> line.contains(CREDIT) || line.contains(DEBIT));
    }

    private static void produce(String bootstrapServers, String key, List<String> values) throws Exception {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer())) {
            for (String value : values) {
                producer.send(new ProducerRecord<>("wallet-events", key, value.getBytes())).get();
            }
        }
    }

    private static List<JsonNode> outcomeLines(Path log) throws IOException {
        return jsonLines(log).stream().filter(line -> line.path("loggerName").asText().equals("dev.wallet.outcomes"))
                .toList();
    }

    /** The service's log lines; the JVM's own few before logging starts are not JSON. */
    private static List<JsonNode> jsonLines(Path log) throws IOException {
        return Files.readAllLines(log).stream().filter(line -> line.startsWith("{")).map(line -> {
            try {
                return JSON.readTree(line);
            } catch (IOException e) {
                throw new AssertionError("Not JSON: " + line, e);
            }
        }).toList();
    }
}

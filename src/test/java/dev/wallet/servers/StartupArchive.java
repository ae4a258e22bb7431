package dev.wallet.servers;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.wallet.EventJson;
import dev.wallet.messaging.Channels;

import static org.awaitility.Awaitility.await;

/**
 * Replaces the package's class data sharing archive with one recorded from a real run of the packaged service:
 * started against a Kafka and DynamoDB Local of its own, fed a credit, a debit, an overdraft and a malformed
 * record, then stopped. Quarkus records its archive from a start that ends before the Kafka and DynamoDB
 * clients, the consumers and the HTTP server exist: about 7,000 of the 10,700 classes a start loads still came
 * from the jars, and startup to ready took 2.7 to 3.0 s, against 2.3 to 2.7 s with this one
 * (docs/benchmarks.md#what-made-the-difference). Run by
 * the build after the package (the {@code startup-archive} execution in pom.xml), with the JDK that runs it.
 */
public final class StartupArchive {

    private static final String TRAINED = "app-cds-trained.jsa";

    private StartupArchive() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of("target", "startup-archive");
        Directories.deleteRecursively(work);
        Path trained = ServiceProcess.DIRECTORY.resolve(TRAINED);
        Files.deleteIfExists(trained);
        try (LocalServers servers = LocalServers.start(work)) {
            String kafka = servers.kafka().bootstrapServers();
            servers.kafka().createTopics(KafkaBroker.SERVICE_TOPICS);
            ServiceProcess service = new ServiceProcess("startup-archive", kafka, servers.dynamo().endpoint(),
                    List.of("-XX:ArchiveClassesAtExit=" + TRAINED), work.resolve("service.log"));
            try {
                service.start();
                int outcomes = sendEvents(kafka);
                awaitOutcomes(kafka, outcomes);
                // The archive is written as the JVM exits, after the shutdown.
                if (service.terminate(Duration.ofMinutes(2)) == null) {
                    throw new IllegalStateException("The service did not stop, see " + work.resolve("service.log"));
                }
            } finally {
                service.stop();
            }
        }
        if (!Files.isRegularFile(trained) || Files.size(trained) == 0) {
            throw new IllegalStateException("The JVM wrote no archive, see " + work.resolve("service.log"));
        }
        Path archive = ServiceProcess.DIRECTORY.resolve(ServiceProcess.ARCHIVE);
        Files.move(trained, archive, StandardCopyOption.REPLACE_EXISTING);
        System.out.printf("Class data sharing archive recorded from a run of the service: %s (%d MB)%n", archive,
                Files.size(archive) >> 20);
    }

    /** Events down every path: applied, rejected by the store, rejected as malformed. Returns how many. */
    private static int sendEvents(String bootstrapServers) throws Exception {
        List<String> events = List.of(
                EventJson.of("e1", "u1", "CREDIT", "10.00"),
                EventJson.of("e2", "u1", "DEBIT", "4.00"),
                EventJson.of("e3", "u1", "DEBIT", "100.00"),
                "not an event");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new StringSerializer(), new ByteArraySerializer())) {
            for (String event : events) {
                producer.send(new ProducerRecord<>(Channels.EVENTS, "u1", event.getBytes(StandardCharsets.UTF_8)))
                        .get();
            }
        }
        return events.size();
    }

    private static void awaitOutcomes(String bootstrapServers, int count) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "startup-archive-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Channels.BALANCES, Channels.REJECTIONS));
            AtomicInteger seen = new AtomicInteger();
            await("outcomes published").atMost(Duration.ofMinutes(1)).pollInSameThread().pollDelay(Duration.ZERO)
                    .until(() -> seen.addAndGet(consumer.poll(Duration.ofMillis(200)).count()) >= count);
        }
    }
}

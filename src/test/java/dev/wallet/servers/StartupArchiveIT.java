package dev.wallet.servers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The archive {@link StartupArchive} recorded is the one the packaged service starts from: a JVM maps an archive
 * only if it matches its jars and its own build, and otherwise loads every class from the jars without a word.
 */
class StartupArchiveIT {

    @Test
    void packagedServiceLoadsItsKafkaAndDynamoDbClientsFromTheRecordedArchive() throws Exception {
        Path work = Path.of("target", "startup-archive-it");
        Directories.deleteRecursively(work);
        Path classesLoaded = work.resolve("classes.log").toAbsolutePath();
        try (LocalServers servers = LocalServers.start(work)) {
            ServiceProcess service = new ServiceProcess("service", servers.kafka().bootstrapServers(),
                    servers.dynamo().endpoint(), List.of("-Xlog:class+load:file=" + classesLoaded),
                    work.resolve("service.log"));
            try {
                service.start();
            } finally {
                service.stop();
            }
        }
        List<String> clients = Files.readAllLines(classesLoaded).stream()
                .filter(line -> line.contains(" org.apache.kafka.clients.consumer.KafkaConsumer ")
                        || line.contains(" software.amazon.awssdk.services.dynamodb.DefaultDynamoDbClient "))
                .toList();
        // Quarkus's own archive holds neither: its recording start ends before the clients are created.
        assertThat(clients).hasSize(2).allMatch(line -> line.endsWith("source: shared objects file (top)"));
    }
}

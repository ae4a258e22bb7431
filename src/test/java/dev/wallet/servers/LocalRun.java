package dev.wallet.servers;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * The quick start: Kafka on 127.0.0.1:9092 and DynamoDB Local on 127.0.0.1:8000, then the packaged service
 * against them (API on 8080, management on 9000; each port a system property), until Ctrl-C stops all three. Run by
 * {@code ./mvnw -Plocal} (see the README).
 */
public final class LocalRun {

    private LocalRun() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        // Ctrl-C reaches every process of the terminal's group; a kill of Maven alone would leave this one and its
        // servers running on their ports: stop with it (the shutdown hooks stop the servers).
        ProcessHandle.current().parent().ifPresent(maven -> maven.onExit().thenRun(() -> System.exit(143)));
        Path work = Path.of("target", "local-run");
        // DynamoDB Local keeps nothing across runs, so Kafka must not either: its offsets would skip old events.
        Directories.deleteRecursively(work);
        try (LocalServers servers = LocalServers.start(work, Integer.getInteger("kafka.port", 9092),
                Integer.getInteger("dynamodb.port", 8000))) {
            servers.kafka().createTopics(KafkaBroker.SERVICE_TOPICS);
            DevKeys keys = DevKeys.create(work.resolve("keys"));
            int httpPort = Integer.getInteger("http.port", 8080);
            int managementPort = Integer.getInteger("management.port", 9000);
            Process service = startService(servers, keys, httpPort, managementPort);
            Runtime.getRuntime().addShutdownHook(new Thread(service::destroy));
            // The lines below are the README's sign that the quick start can go on: only once the service is ready.
            await("the service ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                    .until(() -> !service.isAlive() || new Management(managementPort).ready());
            if (!service.isAlive()) {
                System.exit(service.exitValue());
            }
            System.out.printf("%nKafka: %s  DynamoDB Local: %s  (server logs in %s)%n",
                    servers.kafka().bootstrapServers(), servers.dynamo().endpoint(), work.toAbsolutePath());
            // A token for this run's key only: the key pair is made anew at each start and never saved.
            System.out.printf("Read a wallet (token valid 12 h):%n  curl -H 'Authorization: Bearer %s' "
                    + "http://127.0.0.1:%d/wallets/alice%n%n", keys.token(Duration.ofHours(12), DevKeys.READER), httpPort);
            service.waitFor();
        }
    }

    private static Process startService(LocalServers servers, DevKeys keys, int httpPort, int managementPort)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(ServiceProcess.command(List.of()))
                .directory(ServiceProcess.DIRECTORY.toFile()).inheritIO();
        builder.environment().putAll(ServiceProcess.environment(servers.kafka().bootstrapServers(),
                servers.dynamo().endpoint()));
        builder.environment().putAll(keys.serviceEnvironment());
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
        builder.environment().put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort));
        return builder.start();
    }
}

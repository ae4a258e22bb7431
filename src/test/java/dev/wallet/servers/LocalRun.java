package dev.wallet.servers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The quick start: Kafka on 127.0.0.1:9092 and DynamoDB Local on 127.0.0.1:8000, then the packaged service
 * against them, until Ctrl-C stops all three. Run by {@code ./mvnw -Plocal} (see the README).
 */
public final class LocalRun {

    private LocalRun() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path work = Path.of("target", "local-run");
        // DynamoDB Local keeps nothing across runs, so Kafka must not either: its offsets would skip old events.
        Directories.deleteRecursively(work);
        try (LocalServers servers = LocalServers.start(work, Integer.getInteger("kafka.port", 9092),
                Integer.getInteger("dynamodb.port", 8000))) {
            Process service = startService(servers.serviceConfig());
            Runtime.getRuntime().addShutdownHook(new Thread(service::destroy));
            System.out.printf("%nKafka: %s  DynamoDB Local: %s  (server logs in %s)%n%n",
                    servers.kafka().bootstrapServers(), servers.dynamo().endpoint(), work.toAbsolutePath());
            service.waitFor();
        }
    }

    /** Configured through environment variables only, as it would be in production. */
    private static Process startService(Map<String, String> config) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", Path.of("target", "quarkus-app", "quarkus-run.jar").toString()));
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        Map<String, String> env = builder.environment();
        env.put("KAFKA_BOOTSTRAP_SERVERS", config.get("kafka.bootstrap.servers"));
        env.put("QUARKUS_DYNAMODB_ENDPOINT_OVERRIDE", config.get("quarkus.dynamodb.endpoint-override"));
        env.put("QUARKUS_DYNAMODB_AWS_REGION", config.get("quarkus.dynamodb.aws.region"));
        // DynamoDB Local accepts any keys; the default AWS credentials chain reads these.
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        return builder.start();
    }
}

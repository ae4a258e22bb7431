package dev.wallet.servers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Kafka broker and DynamoDB Local as child processes, from the jars the build put in {@code target/servers}.
 * Used by the tests (on free ports) and by {@link LocalRun} (on the usual ports).
 */
public final class LocalServers implements AutoCloseable {

    static final Path JARS = Path.of(System.getProperty("local-servers.dir", "target/servers"));

    private final KafkaBroker kafka;
    private final DynamoDbLocal dynamo;
    private final Thread stopOnExit = new Thread(this::close, "stop-local-servers");

    private LocalServers(Path directory, int kafkaPort, int dynamoPort) {
        if (Files.notExists(JARS.resolve("kafka/lib")) || Files.notExists(JARS.resolve("dynamodb-local/lib"))) {
            throw new IllegalStateException("No server jars in " + JARS.toAbsolutePath()
                    + ": run the Maven build, which downloads them (servers/pom.xml)");
        }
        this.kafka = new KafkaBroker(JARS.resolve("kafka/lib"), directory.resolve("kafka"), kafkaPort);
        this.dynamo = new DynamoDbLocal(JARS.resolve("dynamodb-local/lib"), directory.resolve("dynamodb"),
                dynamoPort);
    }

    /** Starts both on free loopback ports, their files under {@code directory}. */
    public static LocalServers start(Path directory) {
        return start(directory, ServerProcess.freePort(), ServerProcess.freePort());
    }

    public static LocalServers start(Path directory, int kafkaPort, int dynamoPort) {
        LocalServers servers = new LocalServers(directory, kafkaPort, dynamoPort);
        Runtime.getRuntime().addShutdownHook(servers.stopOnExit);
        try {
            servers.dynamo.start();
            servers.kafka.start();
        } catch (RuntimeException e) {
            servers.close();
            throw e;
        }
        return servers;
    }

    /** A free loopback port for another process of a test, one these servers will not be given. */
    public static int freePort() {
        return ServerProcess.freePort();
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    public DynamoDbLocal dynamo() {
        return dynamo;
    }

    /** What the service needs to reach them, as Quarkus configuration (any region and keys do for DynamoDB Local). */
    public Map<String, String> serviceConfig() {
        return Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "quarkus.dynamodb.endpoint-override", dynamo.endpoint(),
                "quarkus.dynamodb.aws.region", "us-east-1",
                "quarkus.dynamodb.aws.credentials.type", "static",
                "quarkus.dynamodb.aws.credentials.static-provider.access-key-id", "local",
                "quarkus.dynamodb.aws.credentials.static-provider.secret-access-key", "local");
    }

    @Override
    public void close() {
        try {
            kafka.stop();
            kafka.line().close();
        } finally {
            dynamo.stop();
        }
        if (Thread.currentThread() != stopOnExit) {
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or about to: nothing left to do.
            }
        }
    }
}

package dev.wallet.servers;

import java.nio.file.Path;
import java.util.List;

/** Amazon DynamoDB Local, in memory, shared by all credentials and regions. */
public final class DynamoDbLocal {

    private final int port;
    private final ServerProcess process;

    DynamoDbLocal(Path jars, Path directory, int port) {
        this.port = port;
        this.process = new ServerProcess("DynamoDB Local", jars,
                List.of("-Xmx256m", "-XX:+UseSerialGC", "-Djava.io.tmpdir=" + directory),
                "com.amazonaws.services.dynamodbv2.local.main.ServerRunner",
                List.of("-inMemory", "-sharedDb", "-disableTelemetry", "-port", Integer.toString(port)),
                directory.resolve("dynamodb.log"));
    }

    /** Only DynamoDB Local, for tests that need no Kafka; stop it when done. */
    public static DynamoDbLocal start(Path directory) {
        DynamoDbLocal dynamo = new DynamoDbLocal(LocalServers.JARS.resolve("dynamodb-local/lib"), directory,
                ServerProcess.freePort());
        dynamo.start();
        return dynamo;
    }

    public int port() {
        return port;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public void start() {
        process.start();
        process.awaitReady(port, null);
    }

    /** In memory: a stop loses every table. */
    public void stop() {
        process.stop();
    }
}

package dev.wallet.servers;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Amazon DynamoDB Local, in memory, shared by all credentials and regions. */
public final class DynamoDbLocal {

    /** The service's tables, by their default names, as a reader of its contract knows them. */
    public static final String WALLET_TABLE = "wallet";
    public static final String EVENTS_TABLE = "wallet-events-processed";

    private final int port;
    private final ServerProcess process;

    DynamoDbLocal(Path jars, Path directory, int port) {
        this.port = port;
        this.process = new ServerProcess("DynamoDB Local", jars,
                // It allocates about 140 MB/s at the benchmark's half load: with the 68 MB young generation of a
                // 256 MB heap it stopped every half second, with 384 MB every 2 s, for about as long (3 to 6 ms).
                List.of("-Xms512m", "-Xmx512m", "-Xmn384m", "-XX:+UseSerialGC", "-Djava.io.tmpdir=" + directory),
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

    /**
     * A client of a DynamoDB Local at this endpoint (it takes any region and keys), on the service's HTTP client:
     * the benchmark's references must not be slowed by a slower one. More connections than any test or reference
     * keeps requests in flight; built by the SDK, so that closing the client closes its pool. The interceptors see
     * every request and response, as faults injected between the client and DynamoDB Local.
     */
    public static DynamoDbClient client(String endpoint, ExecutionInterceptor... interceptors) {
        return DynamoDbClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(128))
                .overrideConfiguration(configuration -> configuration.executionInterceptors(List.of(interceptors)))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
    }

    /** The wallet item of this user, read consistently; empty if none. */
    public static Map<String, AttributeValue> walletItem(DynamoDbClient dynamo, String userId) {
        return dynamo.getItem(r -> r.tableName(WALLET_TABLE).key(Map.of("user_id", AttributeValue.fromS(userId)))
                .consistentRead(true)).item();
    }

    /** The events table's record of this eventId, read consistently; empty until it is written. */
    public static Map<String, AttributeValue> eventRecord(DynamoDbClient dynamo, String eventId) {
        return dynamo.getItem(r -> r.tableName(EVENTS_TABLE).key(Map.of("event_id", AttributeValue.fromS(eventId)))
                .consistentRead(true)).item();
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

    public Duration cpuTime() {
        return process.cpuTime();
    }

    /** In memory: a stop loses every table. */
    public void stop() {
        process.stop();
    }
}

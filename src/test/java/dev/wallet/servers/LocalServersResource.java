package dev.wallet.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Starts a real Kafka broker and DynamoDB Local for the tests and points the service at them. */
public class LocalServersResource implements QuarkusTestResourceLifecycleManager {

    /** Marks a test field of type {@link Endpoints} that receives the servers' addresses. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface InjectEndpoints {
    }

    /**
     * Where the tests reach the servers. The service reaches DynamoDB through {@code dynamoDbLine}, a proxy the
     * tests can cut; the tests themselves go direct.
     */
    public record Endpoints(String kafkaBootstrapServers, String dynamoDbEndpoint, TcpProxy dynamoDbLine,
            DevKeys keys, Management management) {
    }

    private LocalServers servers;
    private TcpProxy dynamoDbLine;
    private DevKeys keys;
    /** Health, metrics and OpenAPI, in the test profile and in the packaged app's alike. */
    private final int managementPort = LocalServers.freePort();

    @Override
    public Map<String, String> start() {
        Path directory;
        try {
            directory = Files.createTempDirectory("wallet-servers");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        servers = LocalServers.start(directory);
        keys = DevKeys.create(directory.resolve("keys"));
        dynamoDbLine = new TcpProxy(servers.dynamo().port());
        Map<String, String> config = new HashMap<>(servers.serviceConfig());
        config.put("quarkus.dynamodb.endpoint-override", "http://127.0.0.1:" + dynamoDbLine.port());
        config.putAll(keys.serviceConfig());
        config.put("quarkus.management.port", Integer.toString(managementPort));
        config.put("quarkus.management.test-port", Integer.toString(managementPort));
        return config;
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(new Endpoints(servers.kafka().bootstrapServers(), servers.dynamo().endpoint(),
                dynamoDbLine, keys, new Management(managementPort)),
                new TestInjector.AnnotatedAndMatchesType(InjectEndpoints.class, Endpoints.class));
    }

    @Override
    public void stop() {
        if (dynamoDbLine != null) {
            dynamoDbLine.close();
        }
        if (servers != null) {
            servers.close();
        }
    }
}

package dev.wallet.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * The packaged service ({@code target/quarkus-app/quarkus-run.jar}) as its own OS process, configured only
 * through environment variables and a few system properties, as it would run in production.
 */
public final class ServiceProcess {

    /** Where the service runs from: its class data sharing archive names the jars relative to it. */
    static final Path DIRECTORY = Path.of("target", "quarkus-app");
    /** The class data sharing archive in {@link #DIRECTORY}: Quarkus's, or the one {@link StartupArchive} trained. */
    static final String ARCHIVE = "app-cds.jsa";
    /** The JVM container image, whose memory and collector settings the service runs with here too. */
    private static final Path IMAGE = Path.of("src", "main", "docker", "Dockerfile.jvm");
    private static final Pattern JAVA_OPTS_APPEND = Pattern.compile("\\s*ENV\\s+JAVA_OPTS_APPEND=\"([^\"]*)\"\\s*");

    private final ServerProcess process;
    /** Health and metrics are served there, apart from the API. */
    private final Management management;

    public ServiceProcess(String name, String kafkaBootstrapServers, String dynamoDbEndpoint,
            List<String> systemProperties, Path log) {
        int httpPort = ServerProcess.freePort();
        int managementPort = ServerProcess.freePort();
        this.management = new Management(managementPort);
        List<String> jvmOptions = new ArrayList<>(List.of("-Dquarkus.http.port=" + httpPort,
                "-Dquarkus.management.port=" + managementPort));
        jvmOptions.addAll(systemProperties);
        this.process = new ServerProcess(name, command(jvmOptions),
                environment(kafkaBootstrapServers, dynamoDbEndpoint), DIRECTORY, log);
    }

    /**
     * {@code java -jar} of the packaged service, to run in {@link #DIRECTORY}, with the heap and collector
     * settings of its container image ({@link #IMAGE}). And the class data sharing archive the package built,
     * which this JDK made (the image's JDK would not take it).
     */
    static List<String> command(List<String> jvmOptions) {
        List<String> options = new ArrayList<>(imageMemoryOptions());
        // A run that records an archive cannot map one at the same time.
        if (jvmOptions.stream().noneMatch(option -> option.startsWith("-XX:ArchiveClassesAtExit="))) {
            options.add("-XX:SharedArchiveFile=" + ARCHIVE);
        }
        options.addAll(jvmOptions);
        return ServerProcess.java(options, List.of("-jar", "quarkus-run.jar"), List.of());
    }

    /**
     * The {@code -X} options of the image's {@code JAVA_OPTS_APPEND}: its heap and collector settings. (Its system
     * properties are the container's: the HTTP host, and the log manager this process sets its own way.)
     */
    private static List<String> imageMemoryOptions() {
        try {
            List<String> options = Files.readAllLines(IMAGE).stream()
                    .map(JAVA_OPTS_APPEND::matcher)
                    .filter(Matcher::matches)
                    .flatMap(line -> Arrays.stream(line.group(1).trim().split("\\s+")))
                    .filter(option -> option.startsWith("-X"))
                    .toList();
            if (options.stream().noneMatch(option -> option.startsWith("-Xmx"))) {
                throw new IllegalStateException("No ENV JAVA_OPTS_APPEND=\"... -Xmx...\" line in " + IMAGE);
            }
            return options;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The service's whole configuration, as environment variables, as it would be in production. */
    static Map<String, String> environment(String kafkaBootstrapServers, String dynamoDbEndpoint) {
        return Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrapServers,
                "QUARKUS_DYNAMODB_ENDPOINT_OVERRIDE", dynamoDbEndpoint,
                "QUARKUS_DYNAMODB_AWS_REGION", "us-east-1",
                // DynamoDB Local accepts any keys; the default AWS credentials chain reads these.
                "AWS_ACCESS_KEY_ID", "local",
                "AWS_SECRET_ACCESS_KEY", "local");
    }

    /** Starts it and waits until its readiness check answers 200; returns how long that took. */
    public Duration start() {
        long start = System.nanoTime();
        process.start();
        await("service ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("The service exited during startup");
                    }
                    return ready();
                });
        return Duration.ofNanos(System.nanoTime() - start);
    }

    public boolean ready() {
        return management.ready();
    }

    /** Its metrics, in the Prometheus text format. */
    public String metrics() {
        return management.metrics();
    }

    /** The most resident memory it has used so far, in bytes. */
    public long peakResidentBytes() {
        return process.peakResidentBytes();
    }

    public Duration cpuTime() {
        return process.cpuTime();
    }

    /** {@code kill -9}: a crash. */
    public void kill() {
        process.kill();
    }

    /** {@code kill -STOP}: frozen, its connections open, its work in flight, until {@link #resume}. */
    public void pause() {
        process.pause();
    }

    public void resume() {
        process.resume();
    }

    /** SIGTERM, then waits for it to exit; returns how long that took, or null when it did not exit in time. */
    public Duration terminate(Duration timeout) {
        long start = System.nanoTime();
        process.terminate();
        return process.awaitExit(timeout) ? Duration.ofNanos(System.nanoTime() - start) : null;
    }

    public void stop() {
        process.stop();
    }
}

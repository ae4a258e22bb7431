package dev.wallet.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import dev.wallet.servers.Directories;
import dev.wallet.servers.DynamoDbLocal;
import dev.wallet.servers.LocalServers;
import dev.wallet.servers.ServiceProcess;
import dev.wallet.servers.TcpProxy;

import static org.awaitility.Awaitility.await;

/**
 * One fault scenario: fresh Kafka and DynamoDB Local, the stream produced up front, the packaged service consuming
 * it while the scenario injects faults, then the checker's verdict. Every step is bounded in time.
 */
final class FaultRun implements AutoCloseable {

    static final Path ROOT = Path.of("target", "fault-suite");
    /** Shorter than Kafka's 45 s so that a dead instance's partitions move on within the run. */
    private static final List<String> SERVICE_OPTIONS = List.of(
            "-Dmp.messaging.incoming.wallet-events.session.timeout.ms=10000",
            "-Dquarkus.log.category.\"dev.wallet.messaging\".level=DEBUG",
            "-Dquarkus.log.category.\"org.apache.kafka.clients.consumer\".level=INFO",
            "-Dquarkus.log.category.\"org.apache.kafka.clients.producer\".level=INFO");

    final String scenario;
    final LocalServers servers;
    /** The services' lines to DynamoDB and to Kafka, which a scenario may cut or slow down. */
    final TcpProxy dynamoDbLine;
    final TcpProxy kafkaLine;
    final BrokerView broker;
    final List<String> faults = new ArrayList<>();
    private final Path directory;
    private final List<ServiceProcess> services = new ArrayList<>();
    private final Observed observed;
    private final OutputReader outputReader;
    private final long started = System.nanoTime();
    private List<EventStream.Input> stream;
    private Expected expected;

    FaultRun(String scenario) {
        this.scenario = scenario;
        this.directory = ROOT.resolve(scenario.replaceAll("[^a-zA-Z0-9]+", "-"));
        Directories.deleteRecursively(directory);
        this.servers = LocalServers.start(directory.resolve("servers"));
        this.dynamoDbLine = new TcpProxy(servers.dynamo().port());
        this.kafkaLine = servers.kafka().line();
        this.observed = new Observed();
        this.outputReader = new OutputReader(servers.kafka().bootstrapServers(), observed);
        this.broker = new BrokerView(servers.kafka().bootstrapServers());
    }

    /** Produces the whole stream to wallet-events and computes what must come of it. */
    void produce(List<EventStream.Input> inputs) {
        this.stream = inputs;
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers.kafka().bootstrapServers());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // With several requests in flight, the idempotent producer sometimes failed a 40,000-record burst on the
        // single local broker (OutOfOrderSequenceException, then expired batches). One at a time keeps the
        // stream exactly as generated, in order and without duplicates, which the checker relies on.
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer())) {
            for (EventStream.Input input : inputs) {
                sent.add(producer.send(new ProducerRecord<>("wallet-events", input.key(), input.value())));
            }
        }
        List<Expected.Position> positions = new ArrayList<>();
        for (Future<RecordMetadata> future : sent) {
            RecordMetadata metadata = get(future);
            positions.add(new Expected.Position(metadata.partition(), metadata.offset()));
        }
        expected = Expected.replay(inputs, positions);
    }

    ServiceProcess startService(String name) {
        return startService(name, List.of());
    }

    /** With these system properties too. */
    ServiceProcess startService(String name, List<String> options) {
        List<String> all = new ArrayList<>(SERVICE_OPTIONS);
        all.addAll(options);
        ServiceProcess service = new ServiceProcess(name, servers.kafka().bootstrapServersThroughLine(),
                "http://127.0.0.1:" + dynamoDbLine.port(), all, directory.resolve(name + ".log"));
        service.start();
        services.add(service);
        return service;
    }

    /** How many lines of this service's log hold {@code text}. */
    long logLines(String name, String text) {
        try (java.util.stream.Stream<String> lines = Files.lines(directory.resolve(name + ".log"))) {
            return lines.filter(line -> line.contains(text)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until this share of the stream's outputs has been published. */
    void awaitProgress(double share) {
        long target = (long) (share * stream.size());
        await(scenario + " reaching " + share).atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> observed.records.get() >= target);
    }

    /** How long until outputs flow again, from now. */
    Duration awaitOutputs() {
        long before = observed.records.get();
        long start = System.nanoTime();
        await(scenario + " resuming").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(20))
                .until(() -> observed.records.get() > before);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    double progress() {
        return (double) observed.records.get() / stream.size();
    }

    /**
     * Waits for every expected output, stops the services, reads the output topics to their end, and judges: a copy
     * committed late, by a resumed instance or a batch retried after a back-off, is read too.
     */
    Verdict finish() throws InterruptedException {
        try {
            await(scenario + " complete").atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> observed.covers(expected));
        } catch (ConditionTimeoutException e) {
            // Judged anyway: what is missing, and what came instead, says what went wrong.
            judge(Duration.ofNanos(System.nanoTime() - started));
            throw e;
        }
        return judge(Duration.ofNanos(System.nanoTime() - started));
    }

    private Verdict judge(Duration elapsed) throws InterruptedException {
        services.forEach(ServiceProcess::stop);
        String unread = null;
        try {
            // A transaction a stopped instance left open is aborted by the broker within its timeout (10 s).
            await(scenario + " outputs read to their end").atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> broker.settledOutputEnds().filter(outputReader::readTo).isPresent());
        } catch (ConditionTimeoutException e) {
            // Judged on what was read, with this as one more mismatch.
            unread = "outputs not read to their end: " + e.getMessage();
        }
        outputReader.close();
        Verdict verdict;
        try (DynamoDbClient dynamo = dynamoClient()) {
            verdict = Verdict.of(expected, observed, observed.scanWallets(dynamo));
        }
        if (unread != null) {
            verdict.mismatches.add(unread);
        }
        report(verdict, elapsed);
        return verdict;
    }

    private DynamoDbClient dynamoClient() {
        return DynamoDbLocal.client(servers.dynamo().endpoint());
    }

    private void report(Verdict verdict, Duration elapsed) {
        long users = stream.stream().map(EventStream.Input::userId).distinct().count();
        Map<String, Long> reasons = new java.util.TreeMap<>(expected.rejections.values().stream()
                .collect(java.util.stream.Collectors.groupingBy(Expected.Rejection::reason,
                        java.util.stream.Collectors.counting())));
        String row = "| %s | %d | %d | %d | %s | %d | %d | %d | %.0f s | %s |%n".formatted(scenario, stream.size(),
                users, expected.applied, reasons, expected.duplicates, verdict.copies,
                verdict.mismatches.size(), elapsed.toMillis() / 1000.0, String.join("; ", faults));
        System.out.print("FAULT SUITE " + row);
        verdict.mismatches.stream().limit(20).forEach(m -> System.out.println("  MISMATCH " + m));
        if (!verdict.mismatches.isEmpty()) {
            // Their kinds, by the words before the first record: "lost: no balance record for", "wrong rejection"...
            System.out.println("  MISMATCH KINDS " + verdict.mismatches.stream().collect(java.util.stream.Collectors
                    .groupingBy(m -> m.split(" user-| ev-|: \\{|\\{")[0], java.util.TreeMap::new,
                            java.util.stream.Collectors.counting())));
        }
        try {
            Files.createDirectories(ROOT);
            Files.writeString(ROOT.resolve("report.md"), row, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A producer's or an admin client's answer, or its failure as unchecked. */
    static <T> T get(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            services.forEach(ServiceProcess::stop);
            outputReader.close();
            broker.close();
            dynamoDbLine.close();
        } finally {
            servers.close();
        }
    }
}

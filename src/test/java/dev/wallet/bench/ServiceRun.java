package dev.wallet.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.wallet.servers.KafkaBroker;
import dev.wallet.servers.ServiceProcess;

import static org.awaitility.Awaitility.await;

/**
 * The packaged service as its own process on its own topics and tables: drains a pre-filled topic (throughput,
 * requests and write units per event), then takes events at a fixed rate (latency).
 */
final class ServiceRun implements AutoCloseable {

    private static final Pattern METRIC = Pattern.compile("^(\\w+)\\{([^}]*)\\} (\\S+)$");

    final String name;
    final String input;
    private final String bootstrapServers;
    private final String balances;
    private final String rejections;
    private final ServiceProcess service;
    Duration startup;
    private long applied;

    ServiceRun(String name, KafkaBroker kafka, String dynamoDbEndpoint, int concurrency, Path logs) {
        this.name = name;
        this.input = name + "-events";
        this.bootstrapServers = kafka.bootstrapServers();
        this.balances = name + "-balances";
        this.rejections = name + "-rejected";
        kafka.createTopics(List.of(input, balances, rejections));
        this.service = new ServiceProcess(name, bootstrapServers, dynamoDbEndpoint, List.of(
                "-Dmp.messaging.incoming.wallet-events.topic=" + input,
                "-Dmp.messaging.incoming.wallet-events.group.id=" + name,
                "-Dwallet.output.balances-topic=" + balances,
                "-Dwallet.output.rejections-topic=" + rejections,
                "-Dwallet.table.name=" + name + "-wallet",
                "-Dwallet.table.events-name=" + name + "-events",
                "-Dwallet.store.concurrency=" + concurrency), logs.resolve(name + ".log"));
    }

    /** Produces every event up front, as fast as the broker takes them. */
    void fill(List<Workload.Input> events) throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer(bootstrapServers)) {
            List<Future<RecordMetadata>> sent = new ArrayList<>(events.size());
            for (Workload.Input event : events) {
                sent.add(producer.send(new ProducerRecord<>(input, event.key(), event.value())));
            }
            for (Future<RecordMetadata> future : sent) {
                future.get();
            }
        }
    }

    /** Starts the service and waits for all {@code count} outcomes; events per second, first to last output. */
    double drain(int count) throws InterruptedException {
        try (Outputs outputs = new Outputs(bootstrapServers, balances, rejections, false)) {
            startup = service.start();
            await(name + " draining").atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> outputs.count() >= count);
            applied = outputs.applied.get();
            return count / ((outputs.last.get() - outputs.first.get()) / 1000.0);
        }
    }

    /**
     * {@code count} events of {@code workload} at {@code rate} per second, from a load of their own
     * ({@link PacedLoad}): each one's latency, from its input record's timestamp until a read_committed reader
     * got its outcome (its transaction committed).
     */
    PacedLoad.Result paced(Workload workload, String prefix, int count, long seed, double rate, Path logs)
            throws Exception {
        return PacedLoad.run(bootstrapServers, input, balances, rejections, workload, prefix, count, seed, rate,
                logs.resolve(prefix + ".log"));
    }

    /** The CPU time the service has taken so far. */
    Duration cpuTime() {
        return service.cpuTime();
    }

    /** The service's counters, by name and tags, e.g. {@code wallet_dynamodb_requests_total{operation="UpdateItem"}}. */
    Map<String, Double> metrics() {
        Map<String, Double> values = new HashMap<>();
        for (String line : service.metrics().split("\n")) {
            Matcher matcher = METRIC.matcher(line);
            if (matcher.matches() && matcher.group(1).startsWith("wallet_")) {
                values.put(matcher.group(1) + "{" + matcher.group(2) + "}", Double.parseDouble(matcher.group(3)));
            }
        }
        return values;
    }

    /** How many of the drained events were applied (the rest were rejected). */
    long applied() {
        return applied;
    }

    long peakResidentBytes() {
        return service.peakResidentBytes();
    }

    /**
     * Batching up to 5 ms, as a busy producer would: one request per event would cost the broker more CPU than
     * the service itself on this shared machine. A paced event's latency includes that wait.
     */
    static KafkaProducer<String, byte[]> producer(String bootstrapServers) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // The idempotent producer fails on this single broker under a burst (OutOfOrderSequenceException after
        // retries) and the benchmark needs no exactly-once input: plain acks from the leader.
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        config.put(ProducerConfig.ACKS_CONFIG, "1");
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public void close() {
        service.stop();
    }
}

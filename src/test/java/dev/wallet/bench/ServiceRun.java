package dev.wallet.bench;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
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

/**
 * The packaged service as its own process on its own topics and tables: drains a pre-filled topic (throughput,
 * requests and write units per event), then takes events at a fixed rate (latency).
 */
final class ServiceRun implements AutoCloseable {

    private static final Pattern METRIC = Pattern.compile("^(\\w+)\\{([^}]*)\\} (\\S+)$");

    final String name;
    final String input;
    private final String bootstrapServers;
    private final ServiceProcess service;
    private final Outputs outputs;
    Duration startup;
    private long applied;

    ServiceRun(String name, KafkaBroker kafka, String dynamoDbEndpoint, int concurrency, Path logs) {
        this.name = name;
        this.input = name + "-events";
        this.bootstrapServers = kafka.bootstrapServers();
        String balances = name + "-balances";
        String rejections = name + "-rejected";
        kafka.createTopics(List.of(input, balances, rejections));
        this.service = new ServiceProcess(name, bootstrapServers, dynamoDbEndpoint, List.of(
                "-Dmp.messaging.incoming.wallet-events.topic=" + input,
                "-Dmp.messaging.incoming.wallet-events.group.id=" + name,
                "-Dmp.messaging.outgoing.wallet-balances.topic=" + balances,
                "-Dmp.messaging.outgoing.wallet-events-rejected.topic=" + rejections,
                "-Dwallet.table.name=" + name + "-wallet",
                "-Dwallet.table.events-name=" + name + "-events",
                "-Dwallet.store.concurrency=" + concurrency), logs.resolve(name + ".log"));
        this.outputs = new Outputs(bootstrapServers, balances, rejections);
    }

    /** Produces every event up front, as fast as the broker takes them. */
    void fill(List<Workload.Input> events) throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer(5)) {
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
    double drain(int count) {
        startup = service.start();
        await(name + " draining").atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> outputs.count() >= count);
        applied = outputs.applied.get();
        return count / ((outputs.last.get() - outputs.first.get()) / 1000.0);
    }

    /**
     * Each event's latency, input record timestamp to output record timestamp, at {@code rate} events per second,
     * in the order they were due.
     */
    List<Latency> paced(List<Workload.Input> events, double rate) throws Exception {
        Map<String, Sent> sent = new LinkedHashMap<>();
        // Batching up to 5 ms, as a busy producer would: one request per event would cost the broker more CPU
        // than the service itself on this shared machine. The latency measured includes that wait.
        try (KafkaProducer<String, byte[]> producer = producer(5)) {
            long startMillis = System.currentTimeMillis();
            long start = System.nanoTime();
            for (int i = 0; i < events.size(); i++) {
                LockSupport.parkNanos(start + (long) (i * 1e9 / rate) - System.nanoTime());
                Workload.Input event = events.get(i);
                // Stamped with when it was due, not when it went out: a late send (this JVM's compiler or
                // collector, a busy machine) counts as latency instead of hiding it.
                long due = startMillis + (long) (i * 1000.0 / rate);
                producer.send(new ProducerRecord<>(input, null, due, event.key(), event.value()));
                sent.put(event.eventId(), new Sent(due, System.currentTimeMillis() - due));
            }
        }
        await(name + " paced").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> sent.keySet().stream().allMatch(outputs.publishedAt::containsKey));
        return sent.entrySet().stream().map(e -> new Latency(e.getValue().dueAt(),
                outputs.publishedAt.get(e.getKey()) - e.getValue().dueAt(), e.getValue().lagMillis())).toList();
    }

    /** When a paced event was due (epoch ms), and how long after that the producer took it. */
    private record Sent(long dueAt, long lagMillis) {
    }

    /**
     * An event due at {@code dueAt} (epoch ms) whose outcome was published {@code millis} later; the benchmark
     * handed it to its producer {@code sendLagMillis} after it was due (its own share of the latency).
     */
    record Latency(long dueAt, long millis, long sendLagMillis) {
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

    private KafkaProducer<String, byte[]> producer(int lingerMs) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        // The idempotent producer fails on this single broker under a burst (OutOfOrderSequenceException after
        // retries) and the benchmark needs no exactly-once input: plain acks from the leader.
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        config.put(ProducerConfig.ACKS_CONFIG, "1");
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public void close() throws InterruptedException {
        try {
            service.stop();
        } finally {
            outputs.close();
        }
    }
}

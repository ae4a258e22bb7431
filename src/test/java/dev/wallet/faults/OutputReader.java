package dev.wallet.faults;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.wallet.servers.KafkaBroker;

/** Reads the output topics as any downstream team would, a read_committed consumer, into {@link Observed}. */
final class OutputReader implements AutoCloseable {

    private final Observed observed;
    private final KafkaConsumer<String, String> consumer;
    /** The next offset to read per partition; only the reader thread uses it. */
    private final Map<TopicPartition, Long> next = new HashMap<>();
    /** Where the reader stands per partition, past transaction markers and aborted records too. */
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final Thread reader;

    OutputReader(String bootstrapServers, Observed observed) {
        this.observed = observed;
        Properties config = KafkaBroker.readCommittedFromStart(bootstrapServers);
        // Its positions are its own (next), never a group's committed offsets: after a broker restart its session
        // may expire, and a rejoin would re-read from the last auto-commit, counting copies the service never made.
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
        reader = new Thread(this::read, "checker-reader");
        reader.start();
    }

    private void read() {
        try (consumer) {
            consumer.subscribe(List.of(Observed.BALANCES, Observed.REJECTIONS), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    partitions.stream().filter(next::containsKey).forEach(p -> consumer.seek(p, next.get(p)));
                }

                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    // Nothing to commit: the positions stay in next.
                }
            });
            while (true) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    observed.add(record.topic(), record.key(), record.value());
                    next.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
                }
                for (TopicPartition partition : consumer.assignment()) {
                    try {
                        positions.put(partition, consumer.position(partition, Duration.ofMillis(100)));
                    } catch (TimeoutException notKnownYet) {
                        // Known after a later poll.
                    }
                }
            }
        } catch (WakeupException closing) {
            // close() ends the loop.
        }
    }

    /** Whether it has read every partition up to these offsets. */
    boolean readTo(Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(end -> positions.getOrDefault(end.getKey(), -1L) >= end.getValue());
    }

    @Override
    public void close() throws InterruptedException {
        if (reader.isAlive()) {
            consumer.wakeup();
        }
        reader.join();
    }
}

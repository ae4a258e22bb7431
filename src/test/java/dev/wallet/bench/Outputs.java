package dev.wallet.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the service's balance and rejection topics as read_committed readers must: when each eventId's outcome was
 * published, by its record's timestamp, or when it became visible to this reader.
 */
final class Outputs implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    final Map<String, Long> publishedAt = new ConcurrentHashMap<>();
    final AtomicLong first = new AtomicLong(Long.MAX_VALUE);
    final AtomicLong last = new AtomicLong();
    final AtomicLong applied = new AtomicLong();
    private final String balances;
    private final boolean visibility;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread reader;

    /**
     * Reads {@code balances} and {@code rejections}: all of them, by their timestamps; or ({@code visibility}) only
     * what is published after this returns, by when this reader got it, its transaction committed.
     */
    Outputs(String bootstrapServers, String balances, String rejections, boolean visibility) {
        this.balances = balances;
        this.visibility = visibility;
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        if (!visibility) {
            // Few, large fetches: this reader shares the machine, and the timestamps it reads do not depend on it.
            config.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1 << 20);
            config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 200);
        }
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = List.of(balances, rejections).stream()
                .flatMap(topic -> consumer.partitionsFor(topic).stream())
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        consumer.assign(partitions);
        if (visibility) {
            consumer.seekToEnd(partitions);
        } else {
            consumer.seekToBeginning(partitions);
        }
        // Seeks are lazy: look the offsets up now, before any event this reader waits for can be published.
        partitions.forEach(consumer::position);
        reader = new Thread(this::read, "outputs");
        reader.setDaemon(true);
        reader.start();
    }

    int count() {
        return publishedAt.size();
    }

    private void read() {
        try {
            while (true) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    String eventId = JSON.readTree(record.value()).get("eventId").asText();
                    long at = visibility ? System.currentTimeMillis() : record.timestamp();
                    if (publishedAt.putIfAbsent(eventId, at) == null
                            && record.topic().equals(balances)) {
                        applied.incrementAndGet();
                    }
                    first.accumulateAndGet(record.timestamp(), Math::min);
                    last.accumulateAndGet(record.timestamp(), Math::max);
                }
            }
        } catch (WakeupException e) {
            // close()
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        reader.join();
    }
}

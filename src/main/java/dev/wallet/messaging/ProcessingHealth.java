package dev.wallet.messaging;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Not ready while any batch is stuck, one that cannot be processed: retried while DynamoDB or Kafka is unreachable,
 * or stopped for good by a bug. Tracked per batch, so that progress on another batch, even of the same partitions,
 * does not hide it. Its two metrics feed the alerts too.
 */
@Readiness
@ApplicationScoped
public class ProcessingHealth implements HealthCheck {

    private final Map<Object, String> failures = new ConcurrentHashMap<>();
    private final Counter failedAttempts;

    public ProcessingHealth(MeterRegistry registry) {
        registry.gauge("wallet.batches.failing", failures, Map::size);
        this.failedAttempts = registry.counter("wallet.batch.failures");
    }

    void failed(Object batch, Set<TopicPartition> partitions, Throwable cause) {
        failedAttempts.increment();
        failures.put(batch, partitions + " " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }

    void progressed(Object batch) {
        failures.remove(batch);
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("wallet-event-processing").status(failures.isEmpty())
                .withData("failingPartitions", failures.isEmpty() ? "none" : String.join("; ", failures.values()))
                .build();
    }
}

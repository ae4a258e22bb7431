package dev.wallet.messaging;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready while any partition is stuck on a batch that cannot be processed (DynamoDB or Kafka unreachable):
 * it is being retried. Tracked per partition, so that progress on one does not hide a failure on another.
 */
@Readiness
@ApplicationScoped
public class ProcessingHealth implements HealthCheck {

    private final Map<String, String> failures = new ConcurrentHashMap<>();

    void failed(Set<TopicPartition> partitions, Throwable cause) {
        String failure = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        partitions.forEach(partition -> failures.put(partition.toString(), failure));
    }

    void progressed(Set<TopicPartition> partitions) {
        partitions.forEach(partition -> failures.remove(partition.toString()));
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("wallet-event-processing").status(failures.isEmpty())
                .withData("failingPartitions", failures.isEmpty() ? "none" : failures.toString()).build();
    }
}

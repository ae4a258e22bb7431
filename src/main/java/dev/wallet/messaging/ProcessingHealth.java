package dev.wallet.messaging;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready while any partition is stuck on a record that cannot be processed (DynamoDB or Kafka unreachable):
 * it is being retried. Tracked per partition, so that progress on one does not hide a failure on another.
 */
@Readiness
@ApplicationScoped
public class ProcessingHealth implements HealthCheck {

    private final Map<String, String> failures = new ConcurrentHashMap<>();

    void failed(ConsumerRecord<?, ?> record, Throwable cause) {
        failures.put(partition(record), cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }

    void progressed(ConsumerRecord<?, ?> record) {
        failures.remove(partition(record));
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("wallet-event-processing").status(failures.isEmpty())
                .withData("failingPartitions", failures.isEmpty() ? "none" : failures.toString()).build();
    }

    private static String partition(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition();
    }
}

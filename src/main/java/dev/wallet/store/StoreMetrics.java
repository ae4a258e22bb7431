package dev.wallet.store;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;

/**
 * What the service asks of DynamoDB, as DynamoDB bills it: requests by operation and the write capacity units
 * it reports consumed (ReturnConsumedCapacity), by table. Exposed on {@code /q/metrics}.
 */
@ApplicationScoped
public class StoreMetrics {

    private final MeterRegistry registry;

    public StoreMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void request(String operation) {
        registry.counter("wallet.dynamodb.requests", "operation", operation).increment();
    }

    /** A wallet write of a run of {@code events} events; coalesced runs are what a hot wallet costs. */
    void walletWritten(ConsumedCapacity capacity, int events) {
        String run = events > 1 ? "coalesced" : "single";
        registry.counter("wallet.dynamodb.wallet.events", "run", run).increment(events);
        if (capacity != null) {
            registry.counter("wallet.dynamodb.write.units", "table", capacity.tableName(), "run", run)
                    .increment(capacity.capacityUnits());
        }
    }

    void recordsWritten(List<ConsumedCapacity> capacities) {
        for (ConsumedCapacity capacity : capacities) {
            registry.counter("wallet.dynamodb.write.units", "table", capacity.tableName(), "run", "none")
                    .increment(capacity.capacityUnits());
        }
    }
}

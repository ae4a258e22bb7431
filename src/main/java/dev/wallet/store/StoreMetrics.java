package dev.wallet.store;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the service asks of DynamoDB, as DynamoDB bills it: requests by operation, and write capacity units by
 * table as DynamoDB's sizing rule bills them ({@link WriteUnits}). Exposed on
 * {@code /q/metrics}.
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

    /**
     * A wallet write of a run of {@code events} events and the write units it cost; coalesced runs are what a hot
     * wallet costs.
     */
    void walletWritten(String table, double units, int events) {
        String run = events > 1 ? "coalesced" : "single";
        registry.counter("wallet.dynamodb.wallet.writes", "run", run).increment();
        registry.counter("wallet.dynamodb.wallet.events", "run", run).increment(events);
        registry.counter("wallet.dynamodb.write.units", "table", table, "run", run).increment(units);
    }

    void recordsWritten(String table, double units) {
        registry.counter("wallet.dynamodb.write.units", "table", table, "run", "none").increment(units);
    }
}

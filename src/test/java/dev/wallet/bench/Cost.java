package dev.wallet.bench;

import java.util.Map;

/** What DynamoDB billed the service for, per event, from its own counters. */
record Cost(double requestsPerAppliedEvent, double writeUnitsPerEvent, double writeUnitsPerAppliedEvent,
        double coalescedWriteUnitsPerEvent) {

    static Cost of(Map<String, Double> metrics, int events, long applied) {
        double requests = sum(metrics, "wallet_dynamodb_requests_total", "");
        double units = sum(metrics, "wallet_dynamodb_write_units_total", "");
        double records = sum(metrics, "wallet_dynamodb_write_units_total", "run=\"none\"");
        double coalescedUnits = sum(metrics, "wallet_dynamodb_write_units_total", "run=\"coalesced\"");
        double coalescedEvents = sum(metrics, "wallet_dynamodb_wallet_events_total", "run=\"coalesced\"");
        // An event of a coalesced run costs its share of the run's wallet write, plus its own record.
        double coalesced = coalescedEvents == 0 ? 0 : coalescedUnits / coalescedEvents + records / events;
        return new Cost(requests / applied, units / events, units / applied, coalesced);
    }

    static double sum(Map<String, Double> metrics, String name, String tag) {
        return metrics.entrySet().stream().filter(e -> e.getKey().startsWith(name + "{"))
                .filter(e -> e.getKey().contains(tag)).mapToDouble(Map.Entry::getValue).sum();
    }

    @Override
    public String toString() {
        return "%.3f requests/applied event, %.2f WCU/event, %.2f WCU/applied event, %.2f WCU/event in coalesced runs"
                .formatted(requestsPerAppliedEvent, writeUnitsPerEvent, writeUnitsPerAppliedEvent,
                        coalescedWriteUnitsPerEvent);
    }
}

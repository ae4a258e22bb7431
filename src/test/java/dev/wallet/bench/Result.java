package dev.wallet.bench;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A workload's figures beside its reference, measured just before and just after the service's run. */
record Result(Workload workload, String referenceName, double before, double after, Figures measured, int events) {

    double rate() {
        return measured.rate();
    }

    double reference() {
        return Math.max(before, after);
    }

    double naive() {
        return measured.naive();
    }

    List<Second> seconds() {
        return measured.seconds();
    }

    /** For the run history. */
    Map<String, Object> figures() {
        Map<String, Object> figures = new LinkedHashMap<>();
        Cost cost = measured.cost();
        figures.put("workload", workload.name());
        figures.put("eventsPerSecond", Math.round(rate()));
        figures.put("reference", referenceName);
        figures.put("referenceBefore", Math.round(before));
        figures.put("referenceAfter", Math.round(after));
        figures.put("ratio", round(rate() / reference(), 2));
        figures.put("naive", Math.round(naive()));
        figures.put("applied", measured.applied());
        figures.put("requestsPerAppliedEvent", round(cost.requestsPerAppliedEvent(), 3));
        figures.put("writeUnitsPerEvent", round(cost.writeUnitsPerEvent(), 2));
        figures.put("writeUnitsPerAppliedEvent", round(cost.writeUnitsPerAppliedEvent(), 2));
        figures.put("writeUnitsPerEventOfCoalescedRuns", round(cost.coalescedWriteUnitsPerEvent(), 2));
        figures.put("p50", percentile(measured.latencies(), 50));
        figures.put("p95", percentile(measured.latencies(), 95));
        figures.put("p99", percentile(measured.latencies(), 99));
        figures.put("cpuPercent", measured.cpu());
        figures.put("batchesAtLoad", measured.stages().figures());
        figures.put("startupSeconds", round(measured.startup().toMillis() / 1000.0, 1));
        figures.put("peakRssMb", measured.peakResidentBytes() / (1024 * 1024));
        return figures;
    }

    /** For the Markdown table. */
    String row() {
        Cost cost = measured.cost();
        List<Long> latencies = measured.latencies();
        List<Long> cpu = measured.cpu();
        return String.join(" | ", "| " + workload.name(),
                "%,d (%.0f%% applied)".formatted(events, 100.0 * measured.applied() / events),
                "%,.0f".formatted(rate()), "%,.0f / %,.0f (%s)".formatted(before, after, referenceName),
                "%.2f".formatted(rate() / reference()), "%,.0f".formatted(naive()),
                "%.1f".formatted(rate() / naive()), "%.3f".formatted(cost.requestsPerAppliedEvent()),
                "%.2f".formatted(cost.writeUnitsPerEvent()), "%.2f".formatted(cost.writeUnitsPerAppliedEvent()),
                "%.2f".formatted(cost.coalescedWriteUnitsPerEvent()),
                "%d / %d / %d".formatted(percentile(latencies, 50), percentile(latencies, 95),
                        percentile(latencies, 99)),
                measured.warmupLatencies().isEmpty() ? "-"
                        : Long.toString(percentile(measured.warmupLatencies(), 99)),
                "%d / %d / %d / %d".formatted(cpu.get(0), cpu.get(1), cpu.get(2), cpu.get(3)),
                "%.1f s".formatted(measured.startup().toMillis() / 1000.0),
                "%d MB |".formatted(measured.peakResidentBytes() / (1024 * 1024)));
    }

    private static double round(double value, int digits) {
        return BigDecimal.valueOf(value).setScale(digits, RoundingMode.HALF_UP).doubleValue();
    }

    /** What one service run measured. */
    record Figures(double naive, double rate, long applied, Cost cost, List<Long> latencies,
            List<Long> warmupLatencies, List<Second> seconds, List<Long> cpu, Duration startup,
            long peakResidentBytes, BatchStages stages) {
    }

    /** p50 and p99 latency of the events due in one second of the latency run, warm-up included. */
    record Second(int second, long p50, long p99) {

        @Override
        public String toString() {
            return p50 + " / " + p99;
        }
    }

    static final List<String> HEADER = List.of(
            "workload",
            "events",
            "service events/s",
            "reference events/s, before / after",
            "service / reference",
            "naive events/s",
            "service / naive",
            "requests / applied event",
            "WCU / event",
            "WCU / applied event",
            "WCU / event of coalesced runs",
            "latency p50 / p95 / p99 ms at %s load",
            "p99 ms in the warm-up",
            "CPU % of one core meanwhile: service / DynamoDB Local / Kafka / benchmark",
            "startup to ready",
            "peak RSS");

    static String header(double load) {
        String share = load == 0.5 ? "half" : "%.0f %%".formatted(100 * load);
        return "| " + String.join(" | ", HEADER).replace("at %s load", "at " + share + " load") + " |";
    }

    static long percentile(List<Long> sorted, int percent) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1));
    }
}

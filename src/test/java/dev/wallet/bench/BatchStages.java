package dev.wallet.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the service's batches spent their time between two readings of its counters: the mean milliseconds of
 * each stage per batch ({@code wallet_batch_stage_seconds}), and the mean outcomes per batch.
 */
record BatchStages(double recordsPerBatch, Map<String, Double> meanMillis) {

    private static final List<String> STAGES = List.of("queued", "apply", "record", "turn", "commit");

    static BatchStages between(Map<String, Double> before, Map<String, Double> after) {
        double batches = delta(before, after, "wallet_batch_stage_seconds_count", "stage=\"commit\"");
        double outcomes = delta(before, after, "wallet_outcomes_total", "");
        Map<String, Double> means = new LinkedHashMap<>();
        for (String stage : STAGES) {
            double seconds = delta(before, after, "wallet_batch_stage_seconds_sum", "stage=\"" + stage + "\"");
            means.put(stage, batches == 0 ? 0 : 1000 * seconds / batches);
        }
        return new BatchStages(batches == 0 ? 0 : outcomes / batches, means);
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String name, String tag) {
        return Cost.sum(after, name, tag) - Cost.sum(before, name, tag);
    }

    /** For the run history: whole milliseconds, and records per batch to one decimal. */
    Map<String, Object> figures() {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("recordsPerBatch", Math.round(recordsPerBatch * 10) / 10.0);
        meanMillis.forEach((stage, millis) -> figures.put(stage, Math.round(millis)));
        return figures;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("%.1f outcomes per batch; mean ms per batch:".formatted(recordsPerBatch));
        meanMillis.forEach((stage, millis) -> text.append(" %s %.1f,".formatted(stage, millis)));
        return text.substring(0, text.length() - 1);
    }
}

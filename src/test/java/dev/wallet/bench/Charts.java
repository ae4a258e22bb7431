package dev.wallet.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.VectorGraphicsEncoder.VectorGraphicsFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler.LegendPosition;

/** The benchmark's figures drawn as SVG for docs/benchmarks.md, which people look at rather than read. */
final class Charts {

    private static final int WIDTH = 800;
    private static final int HEIGHT = 400;

    private Charts() {
    }

    /** Each workload's drain rate beside its reference's (the higher of before and after) and the naive loop's. */
    static void throughput(List<Result> results, Path file) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Events per second, by workload").xAxisTitle("workload").yAxisTitle("events/s").build();
        chart.getStyler().setLegendPosition(LegendPosition.InsideNE);
        List<String> names = results.stream().map(result -> result.workload().name()).toList();
        chart.addSeries("service", names, results.stream().map(result -> (Number) result.rate()).toList());
        chart.addSeries("reference", names, results.stream().map(result -> (Number) result.reference()).toList());
        chart.addSeries("naive loop", names, results.stream().map(result -> (Number) result.naive()).toList());
        save(chart, file);
    }

    /** p50 and p99 of the events due in each second of one workload's latency run, its warm-up first. */
    static void latency(Result result, Duration warmup, Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Latency at half load, second by second: " + result.workload().name())
                .xAxisTitle("second of the run (the first %d s are warm-up)".formatted(warmup.toSeconds()))
                .yAxisTitle("ms").build();
        chart.getStyler().setLegendPosition(LegendPosition.InsideNE);
        List<Result.Second> seconds = result.seconds();
        List<Integer> x = seconds.stream().map(Result.Second::second).toList();
        chart.addSeries("p50", x, seconds.stream().map(Result.Second::p50).toList());
        chart.addSeries("p99", x, seconds.stream().map(Result.Second::p99).toList());
        save(chart, file);
    }

    private static void save(Chart<?, ?> chart, Path file) throws IOException {
        VectorGraphicsEncoder.saveVectorGraphic(chart, file.toString(), VectorGraphicsFormat.SVG);
    }
}

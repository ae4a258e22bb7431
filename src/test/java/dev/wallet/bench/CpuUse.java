package dev.wallet.bench;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * The CPU time processes took from now on, as a share of one core each: what the shared machine was busy with
 * while a figure was measured.
 */
final class CpuUse {

    private final List<Supplier<Duration>> processes;
    private final List<Duration> before;
    private final long start;

    /** Each supplier gives a process's CPU time so far. */
    CpuUse(List<Supplier<Duration>> processes) {
        this.processes = processes;
        this.before = processes.stream().map(Supplier::get).toList();
        this.start = System.nanoTime();
    }

    /** Per process, in the order given, in % of one core since this was made. */
    List<Long> percents() {
        double wall = System.nanoTime() - start;
        return IntStream.range(0, processes.size())
                .mapToObj(i -> Math.round(100 * processes.get(i).get().minus(before.get(i)).toNanos() / wall))
                .toList();
    }
}

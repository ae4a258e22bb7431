package dev.wallet.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import static org.awaitility.Awaitility.await;

/**
 * The latency run's load: events at a fixed rate into the service's input topic, and when each one's outcome was
 * published. It runs as a JVM of its own that compiles with C1 only. In the benchmark's JVM, the C2 compiler
 * threads its sending set off (tuned there for the ceiling's client) took the shared cores in the middle of the
 * window, and that time counted as the service's latency (docs/benchmarks.md). A few thousand events per second
 * need no more than C1.
 */
final class PacedLoad {

    /** Each event's latency, in the order they were due, and the CPU time this load's JVM took in all. */
    record Result(List<Latency> latencies, Duration cpuTime) {
    }

    /**
     * An event due at {@code dueAt} (epoch ms) whose outcome was published {@code millis} later; the load handed it
     * to its producer {@code sendLagMillis} after it was due (its own share of the latency).
     */
    record Latency(long dueAt, long millis, long sendLagMillis) {
    }

    /** When an event was due (epoch ms), and how long after that the producer took it. */
    private record Sent(long dueAt, long lagMillis) {
    }

    private PacedLoad() {
    }

    /**
     * {@code count} events of {@code workload} (ids prefixed {@code prefix}, seeded) at {@code rate} per second into
     * {@code input}, from a child JVM logging to {@code log}; waits for it and every outcome.
     */
    static Result run(String bootstrapServers, String input, String balances, String rejections, Workload workload,
            String prefix, int count, long seed, double rate, Path log) throws Exception {
        Path results = log.resolveSibling(prefix + "-latencies.txt");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx512m",
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                "-cp", System.getProperty("java.class.path"), PacedLoad.class.getName(),
                bootstrapServers, input, balances, rejections, workload.name(), Integer.toString(workload.users()),
                Double.toString(workload.hotShare()), prefix, Integer.toString(count), Long.toString(seed),
                Double.toString(rate), results.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException("The paced load failed, see " + log);
            }
        } finally {
            process.destroyForcibly();
        }
        List<String> lines = Files.readAllLines(results);
        return new Result(lines.stream().skip(1).map(line -> line.split(" "))
                .map(f -> new Latency(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]))).toList(),
                Duration.ofNanos(Long.parseLong(lines.get(0))));
    }

    /** The child JVM: the arguments of {@link #run}, in order, then the file to write the results to. */
    public static void main(String[] args) throws Exception {
        String bootstrapServers = args[0];
        Workload workload = new Workload(args[4], Integer.parseInt(args[5]), Double.parseDouble(args[6]));
        List<Workload.Input> events = workload.events(args[7], Integer.parseInt(args[8]), Long.parseLong(args[9]));
        double rate = Double.parseDouble(args[10]);
        List<String> latencies;
        try (Outputs outputs = new Outputs(bootstrapServers, args[2], args[3], true)) {
            List<Sent> sent = new ArrayList<>(events.size());
            try (KafkaProducer<String, byte[]> producer = ServiceRun.producer(bootstrapServers)) {
                long startMillis = System.currentTimeMillis();
                long start = System.nanoTime();
                for (int i = 0; i < events.size(); i++) {
                    LockSupport.parkNanos(start + (long) (i * 1e9 / rate) - System.nanoTime());
                    Workload.Input event = events.get(i);
                    // Stamped with when it was due, not when it went out: a late send (this JVM's compiler or
                    // collector, a busy machine) counts as latency instead of hiding it.
                    long due = startMillis + (long) (i * 1000.0 / rate);
                    producer.send(new ProducerRecord<>(args[1], null, due, event.key(), event.value()));
                    sent.add(new Sent(due, System.currentTimeMillis() - due));
                }
            }
            await("paced outcomes").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200))
                    .until(() -> events.stream().allMatch(event -> outputs.publishedAt.containsKey(event.eventId())));
            latencies = new ArrayList<>(events.size());
            for (int i = 0; i < events.size(); i++) {
                Sent one = sent.get(i);
                latencies.add(one.dueAt() + " " + (outputs.publishedAt.get(events.get(i).eventId()) - one.dueAt())
                        + " " + one.lagMillis());
            }
        }
        long cpuNanos = ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
        Files.write(Path.of(args[11]), Stream.concat(Stream.of(Long.toString(cpuNanos)), latencies.stream()).toList());
    }
}

package dev.wallet.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import dev.wallet.servers.Directories;
import dev.wallet.servers.DynamoDbLocal;
import dev.wallet.servers.LocalServers;
import dev.wallet.servers.TcpProxy;

/**
 * The throughput and cost benchmark ({@code ./mvnw -Pbenchmark}, see docs/benchmarks.md): DynamoDB's own
 * ceiling, the naive GetItem/PutItem loop and the packaged service, on one local Kafka and DynamoDB Local, for a
 * uniform and a hot-wallet workload, then both again with 5 ms added to every DynamoDB request.
 * Prints a Markdown table. Sizes: {@code -Dbench.events}, {@code -Dbench.users}, {@code -Dbench.seconds},
 * {@code -Dbench.warmup}; the latency run's share of the drain rate: {@code -Dbench.load} (0.5).
 */
public final class Benchmark {

    private static final int EVENTS = Integer.getInteger("bench.events", 200_000);
    private static final int USERS = Integer.getInteger("bench.users", 10_000);
    /** How long each ceiling is measured, and each latency window lasts. */
    private static final Duration WINDOW = Duration.ofSeconds(Integer.getInteger("bench.seconds", 20));
    /**
     * How long events arrive at the latency run's rate before its window starts: right after the drain, the
     * service, the broker and this benchmark are all still compiling for the new load (docs/benchmarks.md).
     */
    private static final Duration WARMUP = Duration.ofSeconds(Integer.getInteger("bench.warmup", 10));
    /** The service's wallet.store.concurrency, and the ceiling client's thread count. */
    private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 64);
    private static final int NAIVE_EVENTS = Integer.getInteger("bench.naive-events", 20_000);
    /** The latency run's rate, as a share of the service's drain rate: the target is at half load. */
    private static final double LOAD = Double.parseDouble(System.getProperty("bench.load", "0.5"));
    /** A quicker look at one design change: {@code -Dbench.workloads=uniform}. */
    private static final List<String> WORKLOADS = List.of(
            System.getProperty("bench.workloads", "uniform,hot,uniform+5ms,hot+5ms").split(","));
    private static final Duration DYNAMODB_DELAY = Duration.ofMillis(5);
    private static final Path WORK = Path.of("target", "benchmark");
    private static final Path DOCS = Path.of("docs");

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        Directories.deleteRecursively(WORK);
        List<Result> results = new ArrayList<>();
        try (LocalServers servers = LocalServers.start(WORK.resolve("servers"));
                DynamoDbClient direct = DynamoDbLocal.client(servers.dynamo().endpoint());
                TcpProxy slow = new TcpProxy(servers.dynamo().port(), DYNAMODB_DELAY);
                DynamoDbClient delayed = DynamoDbLocal.client("http://127.0.0.1:" + slow.port())) {
            createTable(direct, "ceiling");
            createTable(direct, "naive");
            String slowEndpoint = "http://127.0.0.1:" + slow.port();
            Reference ceiling = new Reference("ceiling", direct, CONCURRENCY, USERS);
            Reference oneItem = new Reference("one item", direct, 1, 1);
            Reference delayedCeiling = new Reference("ceiling +5ms", delayed, CONCURRENCY, USERS);
            Reference delayedOneItem = new Reference("one item +5ms", delayed, 1, 1);
            List<Case> cases = List.of(
                    new Case(new Workload("uniform", USERS, 0), servers.dynamo().endpoint(), ceiling),
                    new Case(new Workload("hot", USERS, 0.5), servers.dynamo().endpoint(), oneItem),
                    new Case(new Workload("uniform+5ms", USERS, 0), slowEndpoint, delayedCeiling),
                    new Case(new Workload("hot+5ms", USERS, 0.5), slowEndpoint, delayedOneItem));
            // DynamoDB Local starts cold: its JIT would make the first reference look slower than it is.
            ceiling.measure();
            for (Case c : cases) {
                if (WORKLOADS.contains(c.workload().name())) {
                    results.add(run(servers, c));
                }
            }
            String report = report(results.stream().map(Result::row).toList());
            System.out.println(report);
            Files.writeString(WORK.resolve("report.md"), report);
            record(results);
        }
    }

    /**
     * The service's settings this run changed through the environment, which its process inherits (such as
     * {@code WALLET_CONSUMER_BATCHES_IN_FLIGHT=3}): a run measured with them is not the commit's defaults.
     */
    private static Map<String, String> serviceOverrides() {
        Map<String, String> overrides = new TreeMap<>();
        System.getenv().forEach((name, value) -> {
            if (Stream.of("WALLET_", "MP_MESSAGING_", "QUARKUS_").anyMatch(name::startsWith)) {
                overrides.put(name, value);
            }
        });
        return overrides;
    }

    /** Appends the run to the history, and redraws the charts of docs/benchmarks.md. */
    private static void record(List<Result> results) throws Exception {
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("output", "exactly-once");
        setup.put("latencyTo", "read_committed visibility");
        setup.put("cores", Runtime.getRuntime().availableProcessors());
        setup.put("java", System.getProperty("java.version"));
        setup.put("events", EVENTS);
        setup.put("users", USERS);
        setup.put("concurrency", CONCURRENCY);
        setup.put("load", LOAD);
        Map<String, String> overrides = serviceOverrides();
        if (!overrides.isEmpty()) {
            setup.put("serviceEnvironment", overrides);
        }
        RunHistory.append(DOCS.resolve("benchmark-runs.jsonl"), setup, results);
        System.setProperty("java.awt.headless", "true");
        Charts.throughput(results, DOCS.resolve("benchmark-throughput.svg"));
        Charts.latency(results.get(0), WARMUP, DOCS.resolve("benchmark-latency.svg"));
        log("appended to %s, charts redrawn", DOCS.resolve("benchmark-runs.jsonl"));
    }

    /**
     * What a workload is compared with: conditional UpdateItem calls per second through {@code dynamo} (straight
     * or through the proxy, as the service), from {@code threads} threads over {@code users} items.
     */
    private record Reference(String name, DynamoDbClient dynamo, int threads, int users) {

        double measure() throws Exception {
            double rate = Ceiling.updatesPerSecond(dynamo, "ceiling", threads, users, WINDOW);
            log("%s: %.0f updates/s (%d threads, %d items)", name, rate, threads, users);
            return rate;
        }
    }

    /** A workload, where the service and the naive loop reach DynamoDB, and what the service is compared with. */
    private record Case(Workload workload, String dynamoDbEndpoint, Reference reference) {
    }

    // The reference is measured just before and just after the service's run, and the higher figure counts:
    // on a shared machine the speed drifts, and the service must not gain from a slow moment.
    private static Result run(LocalServers servers, Case c) throws Exception {
        double before = c.reference().measure();
        Result.Figures figures = serve(servers, c);
        double after = c.reference().measure();
        Result result = new Result(c.workload(), c.reference().name(), before, after, figures, EVENTS);
        log("%s", result.row());
        return result;
    }

    /** The naive loop and the service on one pre-filled topic, then the service at a share of its rate (half). */
    private static Result.Figures serve(LocalServers servers, Case c) throws Exception {
        Workload workload = c.workload();
        String name = "bench-" + workload.name().replaceAll("[^a-z]", "");
        try (ServiceRun run = new ServiceRun(name, servers.kafka(), c.dynamoDbEndpoint(), CONCURRENCY, WORK)) {
            run.fill(workload.events(name, EVENTS, 42));
            double naive = NaiveWallet.eventsPerSecond(servers.kafka().bootstrapServers(), run.input,
                    c.reference().dynamo(), "naive", Math.min(NAIVE_EVENTS, EVENTS), WINDOW);
            log("%s: naive %.0f events/s", workload.name(), naive);
            double rate = run.drain(EVENTS);
            Cost cost = Cost.of(run.metrics(), EVENTS, run.applied());
            log("%s: service %.0f events/s, %s", workload.name(), rate, cost);
            double paced = rate * LOAD;
            // The paced load's own JVM reports its CPU time once it has ended.
            AtomicReference<Duration> loadCpu = new AtomicReference<>(Duration.ZERO);
            CpuUse cpu = new CpuUse(List.of(run::cpuTime, servers.dynamo()::cpuTime, servers.kafka()::cpuTime,
                    () -> ProcessHandle.current().info().totalCpuDuration().orElseThrow().plus(loadCpu.get())));
            Map<String, Double> beforeLoad = run.metrics();
            PacedLoad.Result load = run.paced(workload, name + "-paced",
                    (int) (paced * WARMUP.plus(WINDOW).toSeconds()), 7, paced, WORK);
            loadCpu.set(load.cpuTime());
            BatchStages stages = BatchStages.between(beforeLoad, run.metrics());
            log("%s: batches at %s load, warm-up included: %s", workload.name(), LOAD, stages);
            List<PacedLoad.Latency> latencies = load.latencies();
            long windowFrom = latencies.get(0).dueAt() + WARMUP.toMillis();
            List<Long> cpuPercents = cpu.percents();
            List<Result.Second> seconds = bySecond(latencies, PacedLoad.Latency::millis);
            log("%s: latency p50 / p99 ms by second of the run: %s", workload.name(), seconds);
            log("%s: of which the benchmark's own send lag, p50 / p99 ms by second: %s", workload.name(),
                    bySecond(latencies, PacedLoad.Latency::sendLagMillis));
            return new Result.Figures(naive, rate, run.applied(), cost,
                    sortedMillis(latencies.stream().filter(latency -> latency.dueAt() >= windowFrom)),
                    sortedMillis(latencies.stream().filter(latency -> latency.dueAt() < windowFrom)), seconds,
                    cpuPercents, run.startup, run.peakResidentBytes(), stages);
        }
    }

    private static List<Long> sortedMillis(Stream<PacedLoad.Latency> latencies) {
        return latencies.map(PacedLoad.Latency::millis).sorted().toList();
    }

    /** Where in the run the slow events were: p50 / p99 of a figure of the events due in each second. */
    private static List<Result.Second> bySecond(List<PacedLoad.Latency> latencies,
            ToLongFunction<PacedLoad.Latency> figure) {
        long first = latencies.get(0).dueAt();
        Map<Integer, List<Long>> seconds = new TreeMap<>();
        latencies.forEach(latency -> seconds.computeIfAbsent((int) ((latency.dueAt() - first) / 1000),
                second -> new ArrayList<>()).add(figure.applyAsLong(latency)));
        return seconds.entrySet().stream().map(second -> {
            List<Long> sorted = second.getValue().stream().sorted().toList();
            return new Result.Second(second.getKey(), Result.percentile(sorted, 50), Result.percentile(sorted, 99));
        }).toList();
    }

    private static String report(List<String> rows) throws Exception {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 2)).orElse("unknown CPU");
        String memory = Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ");
        return """

                Machine: %d cores (%s), %s, Java %s. Kafka, DynamoDB Local (in memory), the service and the
                benchmark share it. %,d events per run over %,d users; concurrency %d.
                Reference: conditional UpdateItem calls/s, %d threads over %,d items (ceiling) or one thread on one
                item (one item), straight or through the 5 ms proxy, measured for %d s just before and just after
                the service's run; the ratio is to the higher. Naive: GetItem + PutItem per event, one at a time
                (at most %,d events or %d s). Latency: from when a paced event was due (its input timestamp) until a
                read_committed reader got its outcome, over %d s after %d s at the same rate (warm-up: its p99 has its
                own column); CPU
                over both.

                %s
                %s
                %s
                """
                .formatted(Runtime.getRuntime().availableProcessors(), cpu, memory,
                        System.getProperty("java.version"), EVENTS, USERS, CONCURRENCY, CONCURRENCY, USERS,
                        WINDOW.toSeconds(), NAIVE_EVENTS, WINDOW.toSeconds(), WINDOW.toSeconds(), WARMUP.toSeconds(),
                        Result.header(LOAD), "|---".repeat(Result.HEADER.size()) + "|", String.join("\n", rows));
    }

    private static void createTable(DynamoDbClient dynamo, String table) {
        dynamo.createTable(r -> r.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(KeySchemaElement.builder().attributeName("user_id").keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("user_id")
                        .attributeType(ScalarAttributeType.S).build()));
    }

    private static void log(String format, Object... args) {
        System.out.printf("BENCHMARK " + format + "%n", args);
    }
}

package dev.wallet.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.Uuid;

import dev.wallet.messaging.Channels;

/** A single-node Apache Kafka broker in KRaft mode (broker and controller in one process) on loopback. */
public final class KafkaBroker {

    /** Every topic the service uses is created on first use with this many partitions. */
    public static final int PARTITIONS = 6;

    /** The topics of the service's own configuration, which names them after its channels. */
    public static final List<String> SERVICE_TOPICS = List.of(Channels.EVENTS, Channels.BALANCES,
            Channels.REJECTIONS);

    private final int port;
    private final Path directory;
    private final ServerProcess process;
    /** The way to a second listener, whose metadata names the line: its clients reach the broker only through it. */
    private final TcpProxy line;
    private final int linePort = ServerProcess.freePort();

    KafkaBroker(Path jars, Path directory, int port) {
        this.port = port;
        this.directory = directory;
        this.line = new TcpProxy(linePort);
        Path config = directory.resolve("server.properties");
        Path logConfig = directory.resolve("log4j2.properties");
        this.process = new ServerProcess("Kafka", jars,
                // The collector settings of Kafka's own start scripts, and a heap that does not shrink (they set
                // -Xms to -Xmx): with -Xmx256m alone the heap shrank to about 90 MB, and the broker paused 7 to
                // 35 ms every 2 to 3 s under the benchmark's half load.
                List.of("-Xms256m", "-Xmx256m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
                        "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent",
                        "-Dlog4j2.shutdownHookEnabled=false",
                        "-Dlog4j2.configurationFile=" + logConfig.toUri()),
                "kafka.Kafka", List.of(config.toString()), directory.resolve("kafka.log"));
        if (Files.notExists(config)) {
            format(jars, config, logConfig);
        }
    }

    /**
     * A consumer of a group of its own that reads topics from their start as the contract asks of readers:
     * read_committed, never the outputs of aborted transactions.
     */
    public static Properties readCommittedFromStart(String bootstrapServers) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return config;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** For a client a test may cut off or slow down ({@link #line()}), not only at its first connection. */
    public String bootstrapServersThroughLine() {
        return "127.0.0.1:" + line.port();
    }

    public TcpProxy line() {
        return line;
    }

    public void start() {
        process.start();
        process.awaitReady(port, "Kafka Server started");
    }

    public Duration cpuTime() {
        return process.cpuTime();
    }

    /**
     * Creates these topics with {@link #PARTITIONS} partitions, so that a service starting on them does not log
     * warnings until its first metadata request has created them.
     */
    public void createTopics(List<String> topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.createTopics(topics.stream().map(topic -> new NewTopic(topic, PARTITIONS, (short) 1)).toList())
                    .all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot create " + topics, e.getCause());
        }
    }

    /** SIGTERM; the data directory is kept, so {@link #start()} brings the same topics and offsets back. */
    public void stop() {
        process.stop();
    }

    private void format(Path jars, Path config, Path logConfig) {
        int controllerPort = ServerProcess.freePort();
        write(config, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",LINE://127.0.0.1:" + linePort
                        + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port + ",LINE://127.0.0.1:" + line.port(),
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,LINE:PLAINTEXT",
                "log.dirs=" + directory.resolve("data"),
                "num.partitions=" + PARTITIONS,
                "auto.create.topics.enable=true",
                // Room for the hostile-input test's 1 MiB record.
                "message.max.bytes=2097152",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=6",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                // Timed-out transactions aborted within a second rather than ten, for the tests that wait for it.
                "transaction.abort.timed.out.transaction.cleanup.interval.ms=1000",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                // The 128 MiB default runs a 256 MiB heap out of memory at startup.
                "log.cleaner.dedupe.buffer.size=8388608",
                ""));
        write(logConfig, String.join("\n",
                "appender.out.type=Console",
                "appender.out.name=out",
                "appender.out.layout.type=PatternLayout",
                "appender.out.layout.pattern=[%d] %p %m (%c)%n",
                "rootLogger.level=INFO",
                "rootLogger.appenderRef.out.ref=out",
                ""));
        ServerProcess.runToCompletion(jars, "kafka.tools.StorageTool",
                List.of("format", "--standalone", "-t", Uuid.randomUuid().toString(), "-c", config.toString()),
                directory.resolve("format.log"));
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.wallet.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.RebalanceProtocol;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;

import dev.wallet.InvalidEventException;
import dev.wallet.Outcome;
import dev.wallet.RejectionReason;
import dev.wallet.WalletEvent;
import dev.wallet.WalletEventParser;
import dev.wallet.config.WalletConfig;
import dev.wallet.messaging.MessagingMetrics.Stage;
import dev.wallet.messaging.MessagingMetrics.TransactionResult;
import dev.wallet.store.Recording;
import dev.wallet.store.WalletStore;
import dev.wallet.tracing.WalletTracing;

/**
 * Applies each batch of {@code wallet-events} records and publishes every record's outcome. A batch's outputs and
 * its offsets are committed in one Kafka transaction, once DynamoDB holds all of it: its wallets and its records.
 * Created at startup, not at the first batch, so that its checks of the settings fail the start.
 */
@ApplicationScoped
@Startup
public class WalletEventConsumer {

    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(5);
    /**
     * Most bytes of records a batch holds, and a lane queues: events are a few hundred bytes, but junk up to Kafka's
     * 1 MB limit must not fill the image's 128 MB heap (JunkFloodIT). With fetch.max.bytes (application.properties).
     */
    private static final long MAX_BATCH_BYTES = 4 * 1024 * 1024;

    /** Unique per process: a transactional.id must never be shared by two producers alive at once. */
    private static final String INSTANCE = UUID.randomUUID().toString();
    private static final String ASSIGNORS = "mp.messaging.incoming." + Channels.EVENTS
            + ".partition.assignment.strategy";

    private final WalletEventParser parser;
    private final WalletStore store;
    private final OutputRecords outputs;
    private final ProcessingHealth health;
    private final MessagingMetrics metrics;
    private final WalletTracing tracing;
    private final KafkaClientService kafka;
    private final Map<String, Object> kafkaConfig;
    private final String groupId;
    private final Duration transactionTimeout;
    private final int maxRecords;
    private final int maxInFlight;
    private final Map<String, BatchLane> lanes = new ConcurrentHashMap<>();
    private final Map<String, OutputTransactions> transactions = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    public WalletEventConsumer(WalletEventParser parser, WalletStore store, OutputRecords outputs,
            @Readiness ProcessingHealth health, MessagingMetrics metrics, WalletTracing tracing,
            KafkaClientService kafka,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            @ConfigProperty(name = "mp.messaging.incoming." + Channels.EVENTS + ".group.id") String groupId,
            @ConfigProperty(name = "mp.messaging.incoming." + Channels.EVENTS + ".max.poll.records") int maxRecords,
            @ConfigProperty(name = ASSIGNORS) Optional<List<String>> assignors,
            WalletConfig config) {
        this.parser = parser;
        this.store = store;
        this.outputs = outputs;
        this.health = health;
        this.metrics = metrics;
        this.tracing = tracing;
        this.kafka = kafka;
        this.kafkaConfig = kafkaConfig;
        this.groupId = groupId;
        this.transactionTimeout = config.output().transactionTimeout();
        this.maxRecords = maxRecords;
        this.maxInFlight = config.consumer().batchesInFlight();
        if (maxInFlight < 1) {
            // With none, no batch would ever start: fail the start instead of stalling silently.
            throw new IllegalArgumentException("wallet.consumer.batches-in-flight must be at least 1");
        }
        if (assignors.isPresent() && cooperative(assignors.get())) {
            // A partition kept through a cooperative rebalance is not sent back to its committed offset, so a
            // batch dropped for its old generation would never come again: its outcomes would be lost.
            throw new IllegalArgumentException(ASSIGNORS + " must not be cooperative: " + assignors.get());
        }
        if (config.idempotency().retention().compareTo(WalletStore.MIN_RETENTION) < 0) {
            // Events sent longer ago than the retention, less an hour of clock skew, are refused: a shorter one
            // would refuse the backlog of an ordinary outage (PT2H: every event sent an hour before).
            throw new IllegalArgumentException("wallet.idempotency.retention must be at least "
                    + WalletStore.MIN_RETENTION + ": " + config.idempotency().retention());
        }
        int maxEvents = WalletStore.maxEventsPerUser(config.amount().maxScale());
        if (maxRecords > maxEvents) {
            // A batch of one user's events beyond it would be refused by DynamoDB and retried forever.
            throw new IllegalArgumentException("mp.messaging.incoming." + Channels.EVENTS
                    + ".max.poll.records must be at most " + maxEvents + ": a user's events in one batch are kept"
                    + " in its wallet item, and DynamoDB refuses items over 400 KB");
        }
    }

    /** The consumer rebalances cooperatively only when every assignor listed can. */
    private static boolean cooperative(List<String> assignors) {
        return ConsumerPartitionAssignor.getAssignorInstances(assignors, Map.of()).stream()
                .allMatch(assignor -> assignor.supportedProtocols().contains(RebalanceProtocol.COOPERATIVE));
    }

    // One lane per channel copy (wallet-events$1, $2...), so per consumer: a user's batches are processed one at a
    // time, in partition order, other users' alongside, and those that queued up meanwhile together (BatchLane).
    // The connector hands over the next batch as soon as this one is queued; offsets are committed by the batches'
    // transactions (commit-strategy=ignore), one lane's in the order its batches started.
    @Incoming(Channels.EVENTS)
    public CompletionStage<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        return lanes.computeIfAbsent(polled(batch).getChannel(),
                ignored -> new BatchLane(maxRecords, MAX_BATCH_BYTES, maxInFlight, this::process,
                        Infrastructure.getDefaultWorkerPool(), this::laneStopped))
                .offer(batch);
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        transactions.values().forEach(OutputTransactions::close);
    }

    /** Once shutting down, every lane stops, its batches left for their next owner; before that, only a bug does. */
    void laneStopped(List<KafkaRecordBatch<String, byte[]>> batches, Throwable cause) {
        if (stopping) {
            Log.infof("A batch lane stopped, its batches are left unacknowledged for their next owner: %s", cause);
            return;
        }
        Set<TopicPartition> partitions = new HashSet<>();
        batches.forEach(batch -> partitions.addAll(polled(batch).partitions()));
        // Nothing retries it: readiness stays down (and WalletProcessingStuck fires) until the instance restarts.
        health.failed(batches, partitions, cause);
        Log.errorf(cause, "A batch of %s failed outside the retries: its consumer processes nothing more until the"
                + " instance restarts", partitions);
    }

    // A failure (DynamoDB or Kafka down, throttled) is retried with backoff for as long as it lasts: skipping
    // the batches would lose money. Retrying is safe because processing an event again only re-publishes its
    // first outcome. Once shutting down, failed batches are left unacknowledged: their next owner processes them.
    // The stage completes once the wallets and records are written and the outputs and offsets committed in the
    // batch's turn; only then may the next batch of these users start (BatchLane).
    private CompletionStage<Void> process(List<KafkaRecordBatch<String, byte[]>> batches, Turn turn,
            long queuedSince) {
        MessagingMetrics.Stages stages = metrics.stages(queuedSince);
        stages.ended(Stage.QUEUED);
        List<ConsumerRecord<String, byte[]>> sources = new ArrayList<>();
        Set<TopicPartition> partitions = new HashSet<>();
        for (KafkaRecordBatch<String, byte[]> batch : batches) {
            IncomingKafkaRecordBatchMetadata<String, byte[]> poll = polled(batch);
            poll.getRecords().forEach(sources::add);
            partitions.addAll(poll.partitions());
        }
        Span span = tracing.batch(sources.get(0).topic(), sources);
        Decided decided = untilDone(Uni.createFrom().item(() -> within(span, () -> apply(sources)))
                // Retries are resubscribed from a timer thread, which must not block: back to a worker.
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()), batches, sources.size(), partitions)
                .await().indefinitely();
        stages.ended(Stage.APPLY);
        Recording recording = decided.recording();
        List<ProducerRecord<String, byte[]>> out = outputs.of(decided.outcomes(), sources, span);
        // A failed records write is retried alone: the wallets hold its events meanwhile. The offsets are committed
        // only once the records exist: a producer's retry of these events, later in the partition, must find them.
        return untilDone(Uni.createFrom().completionStage(() -> within(span, recording::write)), batches,
                sources.size(), partitions)
                .onFailure().invoke(recording::abandon)
                .invoke(() -> stages.ended(Stage.RECORD))
                .chain(() -> Uni.createFrom().completionStage(() -> turn.take(() -> {
                    stages.ended(Stage.TURN);
                    return commit(batches, sources, decided.outcomes(), out, partitions);
                })))
                .invoke(() -> {
                    stages.ended(Stage.COMMIT);
                    health.progressed(batches);
                    Log.debugf("%d records of %d polls processed", sources.size(), batches.size());
                })
                .onTermination().invoke(span::end)
                .subscribeAsCompletionStage();
    }

    // The batch's span is current while its DynamoDB requests are made: they become its children.
    private static <T> T within(Span span, Supplier<T> work) {
        try (Scope scope = span.makeCurrent()) {
            return work.get();
        }
    }

    /** The batch's outputs and offsets in one transaction, retried until it commits or the batch is dropped. */
    private CompletionStage<Void> commit(List<KafkaRecordBatch<String, byte[]>> batches,
            List<ConsumerRecord<String, byte[]>> sources, List<Outcome> outcomes,
            List<ProducerRecord<String, byte[]>> out, Set<TopicPartition> partitions) {
        IncomingKafkaRecordBatchMetadata<String, byte[]> first = polled(batches.get(0));
        OutputTransactions lane = transactions.computeIfAbsent(first.getChannel(),
                channel -> new OutputTransactions(kafkaConfig, groupId + "-" + INSTANCE + "-" + channel,
                        transactionTimeout, kafka.getConsumer(channel)));
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        Map<TopicPartition, Long> firsts = new HashMap<>();
        for (ConsumerRecord<String, byte[]> source : sources) {
            TopicPartition partition = new TopicPartition(source.topic(), source.partition());
            offsets.merge(partition, new OffsetAndMetadata(source.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
            firsts.merge(partition, source.offset(), Math::min);
        }
        Uni<Boolean> attempt = Uni.createFrom().item(() -> lane.commit(out, offsets, firsts,
                first.getConsumerGroupGenerationId())).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure().invoke(() -> metrics.transaction(TransactionResult.FAILED));
        return untilDone(attempt, batches, sources.size(), partitions).invoke(committed -> {
            metrics.transaction(committed ? TransactionResult.COMMITTED : TransactionResult.DROPPED);
            if (committed) {
                metrics.published(outcomes);
                OutcomeLog.published(outcomes, sources);
            }
        }).replaceWithVoid().subscribeAsCompletionStage();
    }

    @SuppressWarnings("unchecked")
    private static IncomingKafkaRecordBatchMetadata<String, byte[]> polled(KafkaRecordBatch<String, byte[]> batch) {
        return batch.getMetadata(IncomingKafkaRecordBatchMetadata.class).orElseThrow();
    }

    /** Retried with backoff while the service runs; each failure marks the batch failed for readiness. */
    private <T> Uni<T> untilDone(Uni<T> attempt, Object batch, int records, Set<TopicPartition> partitions) {
        return attempt
                .onFailure().invoke(e -> {
                    health.failed(batch, partitions, e);
                    Log.warnf(e, "Could not process a batch of %d records of %s, %s", records, partitions,
                            stopping ? "left unacknowledged for their next owner" : "will retry");
                })
                .onFailure(e -> !stopping).retry().withBackOff(FIRST_RETRY, LONGEST_RETRY).indefinitely();
    }

    /**
     * Rejects invalid records here and applies the valid ones together: every record's outcome, in order, once the
     * wallets are written, while the store writes the events' records, which may go on after this returned.
     */
    private Decided apply(List<ConsumerRecord<String, byte[]>> sources) {
        Outcome[] outcomes = new Outcome[sources.size()];
        List<WalletEvent> events = new ArrayList<>(sources.size());
        List<Integer> positions = new ArrayList<>(sources.size());
        for (int i = 0; i < sources.size(); i++) {
            ConsumerRecord<String, byte[]> record = sources.get(i);
            try {
                events.add(parser.parse(record.key(), record.value())
                        .from(WalletEvent.source(record.partition(), record.offset()))
                        .sent(record.timestamp() < 0 ? null : Instant.ofEpochMilli(record.timestamp())));
                positions.add(i);
            } catch (InvalidEventException e) {
                outcomes[i] = new Outcome.Rejected(e.eventId(), e.userId(), RejectionReason.INVALID_EVENT,
                        e.getMessage(), null);
            }
        }
        Recording recording = store.apply(events, applied -> {
            for (int i = 0; i < applied.size(); i++) {
                outcomes[positions.get(i)] = applied.get(i);
            }
        });
        return new Decided(recording, List.of(outcomes));
    }

    /** Every record's outcome, in order, and the records of them being written. */
    private record Decided(Recording recording, List<Outcome> outcomes) {
    }
}

package dev.wallet.faults;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * What the broker says about the service's consumer group and transactions: a scenario waits for the fault it
 * injects to have happened there, instead of for a time it should take.
 */
final class BrokerView implements AutoCloseable {

    private static final String GROUP = "wallet-event-service";

    private final Admin admin;

    BrokerView(String bootstrapServers) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** Whether the group has this many members and is done assigning them partitions. */
    boolean stableWith(int members) {
        ConsumerGroupDescription group = FaultRun.get(admin.describeConsumerGroups(List.of(GROUP))
                .describedGroups().get(GROUP));
        return group.members().size() == members && group.groupState() == GroupState.STABLE;
    }

    /** How many transactional.ids are aborting or aborted their last transaction. */
    int aborted() {
        return FaultRun.get(admin.listTransactions(new ListTransactionsOptions()
                .filterStates(List.of(TransactionState.PREPARE_ABORT, TransactionState.COMPLETE_ABORT))).all()).size();
    }

    /**
     * The end of every partition of the output topics, once no transaction is open in any: then a read_committed
     * reader that got there has read everything ever committed (empty while the last stable offset lags).
     */
    Optional<Map<TopicPartition, Long>> settledOutputEnds() {
        List<TopicPartition> partitions = FaultRun.get(admin.describeTopics(List.of(Observed.BALANCES,
                Observed.REJECTIONS)).allTopicNames()).values().stream()
                .flatMap(topic -> topic.partitions().stream().map(p -> new TopicPartition(topic.name(), p.partition())))
                .toList();
        Map<TopicPartition, Long> ends = ends(partitions, IsolationLevel.READ_UNCOMMITTED);
        return ends.equals(ends(partitions, IsolationLevel.READ_COMMITTED)) ? Optional.of(ends) : Optional.empty();
    }

    private Map<TopicPartition, Long> ends(List<TopicPartition> partitions, IsolationLevel isolation) {
        Map<TopicPartition, OffsetSpec> latest = partitions.stream()
                .collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        FaultRun.get(admin.listOffsets(latest, new ListOffsetsOptions(isolation)).all())
                .forEach((partition, info) -> ends.put(partition, info.offset()));
        return ends;
    }

    @Override
    public void close() {
        admin.close();
    }
}

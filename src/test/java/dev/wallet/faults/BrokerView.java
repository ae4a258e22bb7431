package dev.wallet.faults;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.GroupState;

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

    @Override
    public void close() {
        admin.close();
    }
}

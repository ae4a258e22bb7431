package dev.wallet.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import dev.wallet.messaging.Channels;

/** Settings of the wallet service: each property is explained here, once; the README's table lists them. */
@ConfigMapping(prefix = "wallet")
public interface WalletConfig {

    /** The DynamoDB tables. */
    Table table();

    /** How the service talks to DynamoDB. */
    Store store();

    /** How each Kafka consumer hands its records to processing. */
    Consumer consumer();

    /** Exactly-once bookkeeping per eventId. */
    Idempotency idempotency();

    /** What an acceptable amount looks like. */
    Amount amount();

    /** What a rejection record carries. */
    Rejection rejection();

    /** Where and how outcomes are published. */
    Output output();

    interface Table {
        /**
         * Create the tables at startup when they are missing (DescribeTable, CreateTable, wait until ACTIVE), and turn
         * on the events table's TTL on {@code expires_at}. Off, both are the operator's to do (docs/operations.md).
         */
        @WithDefault("true")
        boolean create();

        /** Name of the wallet table: one item per user. */
        @WithDefault("wallet")
        String name();

        /** Name of the table that remembers each eventId and its outcome. */
        @WithDefault("wallet-events-processed")
        String eventsName();

        /** PAY_PER_REQUEST (on demand) or PROVISIONED, for tables this service creates. */
        @WithDefault("PAY_PER_REQUEST")
        BillingMode billingMode();

        /** Read capacity units of each created table when the billing mode is PROVISIONED. */
        @WithDefault("5")
        long readCapacityUnits();

        /** Write capacity units of each created table when the billing mode is PROVISIONED. */
        @WithDefault("5")
        long writeCapacityUnits();
    }

    interface Store {
        /**
         * DynamoDB requests in flight at most, shared by all consumers of the instance: a batch's reads, wallet
         * writes (25 users per request) and records go out in parallel. With 5 ms per request, 64 drains about 1.4
         * times what 32 does (docs/benchmarks.md#what-made-the-difference).
         */
        @WithDefault("64")
        int concurrency();

        /**
         * Wallets kept in memory, so that a user's next events skip reading the wallet: about half a kilobyte each.
         * One with long ids, or whose last write carried many events (its last_run, kept with it), counts once per
         * half kilobyte it takes: about 10 MB of heap in all.
         */
        @WithDefault("20000")
        long cachedWallets();
    }

    interface Consumer {
        /**
         * Batches of one consumer in flight at once, each until its transaction committed: a user's events are
         * processed one batch at a time, in order, and another user's do not wait behind them. With 1, an event
         * waited out the batch in progress first (docs/benchmarks.md#what-made-the-difference). A batch holds up to
         * 4 MB of records, and as much waits: more batches or consumers need more heap than the image's 128 MB.
         */
        @WithDefault("2")
        int batchesInFlight();
    }

    interface Idempotency {
        /**
         * How long an eventId is remembered from its last record's use (DynamoDB TTL; DynamoDB deletes expired items
         * lazily, never earlier). A new eventId in a record sent longer ago, less an hour of clock skew, is refused
         * ({@code EVENT_TOO_OLD}): it may have been applied before. At least P1D.
         */
        @WithDefault("P7D")
        Duration retention();
    }

    interface Amount {
        /** Most fraction digits an amount may have (after trailing zeros are dropped). */
        @WithDefault("2")
        int maxScale();
    }

    interface Rejection {
        /**
         * Largest original value echoed whole in a rejection; longer ones are cut and marked as truncated. At most
         * 262144: a rejection must stay under the producer's max.request.size (1 MB).
         */
        @WithDefault("65536")
        int maxPayloadBytes();
    }

    interface Output {
        /** Topic of the balance records. */
        @WithDefault(Channels.BALANCES)
        String balancesTopic();

        /** Topic of the rejection records. */
        @WithDefault(Channels.REJECTIONS)
        String rejectionsTopic();

        /**
         * How long the broker lets a transaction stay open before it aborts it (transaction.timeout.ms): a batch's
         * transaction normally lasts milliseconds, but one left open by a paused or killed instance holds
         * read_committed readers of its partitions back until then.
         */
        @WithDefault("PT10S")
        Duration transactionTimeout();
    }

    enum BillingMode {
        PAY_PER_REQUEST,
        PROVISIONED
    }
}

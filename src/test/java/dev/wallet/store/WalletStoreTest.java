package dev.wallet.store;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchExecuteStatementRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import dev.wallet.EventType;
import dev.wallet.Outcome;
import dev.wallet.RejectionReason;
import dev.wallet.WalletEvent;
import dev.wallet.config.WalletConfig;
import dev.wallet.servers.DynamoDbLocal;

import static dev.wallet.store.Stores.applied;
import static dev.wallet.store.Stores.applying;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** How a batch of events reaches DynamoDB, against DynamoDB Local: what is written, how often, and recovery. */
class WalletStoreTest {

    private static DynamoDbLocal server;
    private static DynamoDbClient dynamo;
    private static SimpleMeterRegistry registry;
    private static StoreWorkers workers;
    private static WalletConfig config;
    private static WalletRequests requests;
    private static WalletStore store;

    private final String user = "user-" + UUID.randomUUID();

    @BeforeAll
    static void startDynamoDb(@TempDir Path directory) {
        server = DynamoDbLocal.start(directory);
        dynamo = DynamoDbLocal.client(server.endpoint());
        config = TestConfigs.wallet(Map.of());
        requests = new WalletRequests(config);
        new WalletTables(dynamo, requests, config).onStart(null);
        registry = new SimpleMeterRegistry();
        workers = new StoreWorkers(config);
        store = newInstance();
    }

    /** Another instance of the service, or this one restarted: its own cache, empty. */
    private static WalletStore newInstance() {
        return Stores.instance(dynamo, requests, workers, registry, config);
    }

    @AfterAll
    static void stopDynamoDb() {
        workers.stop();
        dynamo.close();
        server.stop();
    }

    /** Each event decided once, in order per user, whatever the batch holds. */
    @Nested
    class Order {

        @Test
        void eventsOfOneUserInABatchAreJudgedInOrderAndWrittenOnce() {
            double writesBefore = walletWrites();

            List<Outcome> outcomes = applied(store, List.of(credit("10"), debit("15"), credit("10"), debit("15")));

            assertThat(outcomes.get(0)).isInstanceOfSatisfying(Outcome.Applied.class, applied -> {
                assertThat(applied.balance()).isEqualByComparingTo("10");
                assertThat(applied.version()).isEqualTo(1);
            });
            assertThat(outcomes.get(1)).isInstanceOfSatisfying(Outcome.Rejected.class, rejected -> {
                assertThat(rejected.reason()).isEqualTo(RejectionReason.INSUFFICIENT_FUNDS);
                assertThat(rejected.balance()).isEqualByComparingTo("10");
            });
            assertThat(outcomes.get(3)).isInstanceOfSatisfying(Outcome.Applied.class, applied -> {
                assertThat(applied.balance()).isEqualByComparingTo("5");
                assertThat(applied.version()).isEqualTo(3);
            });
            assertThat(walletWrites() - writesBefore).isEqualTo(1);
            assertWallet("5", 3);
        }

        @Test
        void eventIdRepeatedInABatchIsAppliedOnceAndConflictsWhenItAsksForAnotherChange() {
            WalletEvent credit = credit("10");
            WalletEvent sameAgain = new WalletEvent(credit.eventId(), user, EventType.CREDIT, new BigDecimal("10.00"),
                    Instant.now());
            WalletEvent other = new WalletEvent(credit.eventId(), user, EventType.DEBIT, new BigDecimal("3"),
                    Instant.now());

            List<Outcome> outcomes = applied(store, List.of(credit, sameAgain, other));

            assertThat(outcomes.get(1)).isSameAs(outcomes.get(0));
            assertThat(outcomes.get(2)).isInstanceOfSatisfying(Outcome.Rejected.class,
                    rejected -> assertThat(rejected.reason()).isEqualTo(RejectionReason.EVENT_ID_CONFLICT));
            assertWallet("10", 1);
        }

        @Test
        void copyAfterAConflictInOneBatchGetsTheFirstUsesOutcome() {
            WalletEvent original = debit("7");
            Outcome first = applied(store, List.of(original)).get(0);
            WalletEvent conflicting = new WalletEvent(original.eventId(), user, EventType.DEBIT, new BigDecimal("8"),
                    Instant.now());

            List<Outcome> outcomes = applied(store, List.of(conflicting, original));

            assertThat(outcomes.get(0)).isInstanceOfSatisfying(Outcome.Rejected.class,
                    rejected -> assertThat(rejected.reason()).isEqualTo(RejectionReason.EVENT_ID_CONFLICT));
            assertThat(outcomes.get(1)).usingRecursiveComparison().isEqualTo(first);
            assertThat(applied(store, List.of(original)).get(0)).usingRecursiveComparison()
                    .isEqualTo(first);
        }
    }

    /**
     * The same event in another record is a producer's retry, and publishes nothing; in its own record, a
     * redelivery, which gets its first outcome again: it may have been published in a transaction that aborted.
     */
    @Nested
    class Retries {

        @Test
        void retryInALaterBatchIsADuplicateOfItsFirstOutcome() {
            WalletEvent credit = credit("10").from(WalletEvent.source(0, 10));
            Outcome first = applied(store, List.of(credit)).get(0);

            assertThat(applied(store, List.of(credit.from(WalletEvent.source(0, 11))))).singleElement()
                    .isInstanceOfSatisfying(Outcome.Duplicate.class,
                            duplicate -> assertThat(duplicate.first()).isInstanceOf(Outcome.Applied.class));
            assertThat(applied(store, List.of(credit))).containsExactly(first);
            assertWallet("10", 1);
        }

        @Test
        void retryInTheSameBatchIsADuplicate() {
            WalletEvent debit = debit("3").from(WalletEvent.source(1, 7));

            List<Outcome> outcomes = applied(store, List.of(debit, debit.from(WalletEvent.source(1, 8))));

            assertThat(outcomes.get(0)).isInstanceOf(Outcome.Rejected.class);
            assertThat(outcomes.get(1)).isInstanceOf(Outcome.Duplicate.class);
        }

        @Test
        void retryOfAnEventKnownOnlyFromTheLastWriteIsADuplicateAndTheRedeliveryItsOutcome() {
            WalletEvent credit = credit("4").from(WalletEvent.source(2, 40));
            Outcome first = appliedWithoutRecord(credit);

            List<Outcome> outcomes = applied(store, List.of(credit.from(WalletEvent.source(2, 41)), credit));

            assertThat(outcomes.get(0)).isInstanceOf(Outcome.Duplicate.class);
            assertThat(outcomes.get(1)).usingRecursiveComparison().isEqualTo(first);
            assertThat(record(credit).get("source").s()).isEqualTo("2:40");
        }

        @Test
        void eventSentLongerAgoThanItsIdIsRememberedIsRejectedNotApplied() {
            // The default retention, P7D, less the hour of clock skew allowed, passed a minute ago.
            Instant tooOld = Instant.now().minus(Duration.ofDays(7)).plus(Duration.ofMinutes(59));
            WalletEvent credit = credit("10").from(WalletEvent.source(0, 3)).sent(tooOld);

            assertThat(applied(store, List.of(credit, credit("2").sent(tooOld.plus(Duration.ofMinutes(2))))))
                    .satisfiesExactly(
                            first -> assertThat(first).isInstanceOfSatisfying(Outcome.Rejected.class,
                                    rejected -> assertThat(rejected.reason()).isEqualTo(RejectionReason.EVENT_TOO_OLD)),
                            second -> assertThat(second).isInstanceOf(Outcome.Applied.class));
            assertWallet("2", 1);
            assertThat(applied(store, List.of(credit))).singleElement().isInstanceOfSatisfying(
                    Outcome.Rejected.class, again -> assertThat(again.reason()).isEqualTo(RejectionReason.EVENT_TOO_OLD));
        }

        @Test
        void eventStillRememberedGetsItsFirstOutcomeHoweverLongAgoItWasSent() {
            WalletEvent credit = credit("10").from(WalletEvent.source(0, 5));
            Outcome first = applied(store, List.of(credit)).get(0);

            WalletEvent redelivered = credit.sent(Instant.now().minus(Duration.ofDays(30)));
            assertThat(applied(store, List.of(redelivered))).singleElement().usingRecursiveComparison()
                    .ignoringFields("event.sentAt").isEqualTo(first);
            assertWallet("10", 1);
        }

        @Test
        void retryOrConflictInAnotherRecordKeepsItsEventIdRememberedForTheRetentionFromThen() {
            WalletEvent credit = credit("10").from(WalletEvent.source(0, 20));
            applied(store, List.of(credit));
            long renewed = Instant.now().plus(Duration.ofDays(7)).minusSeconds(60).getEpochSecond();

            expireTomorrow(credit);
            applied(store, List.of(credit.from(WalletEvent.source(0, 21))));
            assertThat(Long.parseLong(record(credit).get("expires_at").n())).as("after a retry").isGreaterThan(renewed);

            expireTomorrow(credit);
            applied(store, List.of(reusedForAnotherAmount(credit).from(WalletEvent.source(0, 22))));
            assertThat(Long.parseLong(record(credit).get("expires_at").n())).as("after a conflict").isGreaterThan(renewed);
            assertThat(record(credit).get("source").s()).isEqualTo("0:20");
            assertWallet("10", 1);
        }

        @Test
        void eventStampedAheadOfThisClockIsRememberedUntilAReplayOfItMayBeRefused() {
            // A producer's clock 3 h ahead: its record is refused as too old only a retention after 2 h from now.
            Instant ahead = Instant.now().plus(Duration.ofHours(3));
            WalletEvent credit = credit("10").from(WalletEvent.source(0, 30)).sent(ahead);
            applied(store, List.of(credit));

            assertRememberedUntilARecordSentAtIsRefused(credit, ahead);
        }

        @Test
        void retryStampedAheadInTheSameBatchKeepsTheEventIdAsLongAsItMayBeReplayed() {
            WalletEvent credit = credit("10").from(WalletEvent.source(0, 33));
            Instant ahead = Instant.now().plus(Duration.ofHours(3));
            applied(store, List.of(credit, credit.from(WalletEvent.source(0, 34)).sent(ahead)));

            assertRememberedUntilARecordSentAtIsRefused(credit, ahead);
            assertWallet("10", 1);
        }

        @Test
        void eventStampedAheadAndKnownOnlyFromItsWalletIsRememberedAsLongWhenRecordedAfterACrash() {
            Instant ahead = Instant.now().plus(Duration.ofHours(3));
            WalletEvent credit = credit("10").from(WalletEvent.source(0, 31)).sent(ahead);
            applied(store, List.of(credit));
            deleteRecord(credit);

            // Redelivered with the user's next event: recorded from last_run before the write replaces it.
            applied(newInstance(), List.of(credit, credit("1").from(WalletEvent.source(0, 32))));

            assertRememberedUntilARecordSentAtIsRefused(credit, ahead);
            assertWallet("11", 2);
        }

        @Test
        void conflictWithAnEventKnownOnlyFromItsWalletRecordsTheOriginalForTheRetentionFromThen() {
            WalletEvent credit = credit("10").from(WalletEvent.source(0, 40));
            applied(store, List.of(credit));
            // Its record gone (expired, or never written): the wallet's last_run alone knows it.
            deleteRecord(credit);

            assertThat(applied(newInstance(), List.of(reusedForAnotherAmount(credit).from(WalletEvent.source(0, 41)))))
                    .singleElement().isInstanceOfSatisfying(Outcome.Rejected.class,
                            rejected -> assertThat(rejected.reason()).isEqualTo(RejectionReason.EVENT_ID_CONFLICT));

            long renewed = Instant.now().plus(Duration.ofDays(7)).minusSeconds(60).getEpochSecond();
            assertThat(record(credit)).as("the original's record").isNotEmpty();
            assertThat(record(credit).get("source").s()).isEqualTo("0:40");
            assertThat(record(credit).get("amount").n()).isEqualTo("10");
            assertThat(Long.parseLong(record(credit).get("expires_at").n())).isGreaterThan(renewed);
        }

        @Test
        void conflictInAnotherRecordIsStillRejected() {
            WalletEvent credit = credit("5").from(WalletEvent.source(0, 1));
            applied(store, List.of(credit));

            assertThat(applied(store, List.of(reusedForAnotherAmount(credit).from(WalletEvent.source(0, 2)))))
                    .singleElement().isInstanceOfSatisfying(Outcome.Rejected.class,
                            rejected -> assertThat(rejected.reason()).isEqualTo(RejectionReason.EVENT_ID_CONFLICT));
        }
    }

    /** A batch processed again after a crash, its records missing: the outcomes it published stand. */
    @Nested
    class Crashes {

        @Test
        void redeliveryBeforeTheRecordsGetsTheOutcomesKeptInTheWallet() {
            List<WalletEvent> batch = List.of(credit("10"), debit("4"), debit("50"));
            List<Outcome> first = applied(store, batch);
            // The crash: the wallet was written, the records of its events never were.
            batch.forEach(WalletStoreTest::deleteRecord);
            double writesBefore = walletWrites();

            List<Outcome> again = applied(newInstance(), batch);

            assertThat(again).usingRecursiveComparison().isEqualTo(first);
            assertThat(walletWrites()).isEqualTo(writesBefore);
            assertWallet("6", 2);
            assertThat(batch).allSatisfy(event -> assertThat(record(event)).isNotEmpty());
        }

        @Test
        void balancesCarryNoTrailingZerosSoARedeliveryRepeatsThemExactly() {
            List<WalletEvent> batch = List.of(credit("12.5"), credit("12.5"), debit("30"));
            List<Outcome> first = applied(store, batch);

            // Read back from the records: DynamoDB keeps numbers without trailing zeros.
            List<Outcome> again = applied(newInstance(), batch);

            assertThat(first).map(OnceInOrder::effect).containsExactly("applied, balance 12.5, version 1",
                    "applied, balance 25, version 2", "INSUFFICIENT_FUNDS, balance 25");
            assertThat(first.get(1)).isInstanceOfSatisfying(Outcome.Applied.class,
                    applied -> assertThat(applied.balance().toPlainString()).isEqualTo("25"));
            assertThat(first.get(2)).isInstanceOfSatisfying(Outcome.Rejected.class,
                    rejected -> assertThat(rejected.balance().toPlainString()).isEqualTo("25"));
            assertThat(again).usingRecursiveComparison().isEqualTo(first);
        }

        @Test
        void rejectionsPublishedBeforeTheirRecordsAreDecidedTheSameWayAfterACrash() {
            applied(store, List.of(credit("10")));
            List<WalletEvent> batch = List.of(debit("50"), debit("11"));
            List<Outcome> published = applied(store, batch);
            // The crash: the rejections went out, their records were never written, and no wallet write keeps them.
            batch.forEach(WalletStoreTest::deleteRecord);

            List<Outcome> again = applied(newInstance(), batch);

            assertThat(published).hasSize(2).allSatisfy(outcome -> assertThat(outcome).isInstanceOfSatisfying(
                    Outcome.Rejected.class, rejected -> assertThat(rejected.reason())
                            .isEqualTo(RejectionReason.INSUFFICIENT_FUNDS)));
            assertThat(again).usingRecursiveComparison().isEqualTo(published);
            assertWallet("10", 1);
        }

        @Test
        void eventOnlyInTheLastWriteIsRecordedOnceBeforeANewWriteReplacesIt() {
            WalletEvent crashed = credit("10");
            Outcome first = applied(store, List.of(crashed)).get(0);
            deleteRecord(crashed);
            double recordUnits = recordWriteUnits();

            List<Outcome> outcomes = applied(newInstance(), List.of(crashed, credit("5")));

            assertThat(outcomes.get(0)).usingRecursiveComparison().isEqualTo(first);
            assertWallet("15", 2);
            assertThat(applied(store, List.of(crashed)).get(0)).usingRecursiveComparison()
                    .isEqualTo(first);
            // One record each for the recovered event and the new one: nothing written twice.
            assertThat(recordWriteUnits() - recordUnits).isEqualTo(2);
        }

        @Test
        void eventOnlyInTheLastWriteIsRecordedBeforeAWriteWithoutItReplacesIt() {
            // The user's events came on two partitions (their count was raised): the crashed batch's event comes
            // again after an event of the other partition was applied.
            WalletEvent crashed = credit("10");
            Outcome first = appliedWithoutRecord(crashed);

            applied(newInstance(), List.of(credit("5")));

            assertThat(applied(newInstance(), List.of(crashed)).get(0)).usingRecursiveComparison().isEqualTo(first);
            assertWallet("15", 2);
        }

        @Test
        void batchOfAnotherConsumerAfterAFailedBatchRecordsTheFailedBatchsEventsFirst() {
            RecordsHeld records = new RecordsHeld();
            WalletStore instance = records.instance();
            applied(instance, List.of(credit("1")));
            WalletEvent failed = credit("10");
            List<Outcome> first = new ArrayList<>();
            records.refuse();
            // Its wallet is written, its records are not, and it fails: it comes again after another partition's
            // batch of the same user, on this instance.
            assertThatThrownBy(() -> instance.apply(List.of(failed), outcomes -> {
                first.addAll(outcomes);
                throw new IllegalStateException("Kafka is unreachable");
            })).hasMessage("Kafka is unreachable");
            records.accept();

            applied(instance, List.of(credit("5")));

            assertThat(applied(instance, List.of(failed))).usingRecursiveComparison().isEqualTo(first);
            assertWallet("16", 3);
        }

        @Test
        void walletThisInstanceSawRecordedIsWrittenWithoutLookingUpItsLastEvents() {
            WalletEvent earlier = credit("10");
            applied(store, List.of(earlier));
            // Lost only to make a lookup visible: a batch that looked it up would record it again.
            deleteRecord(earlier);

            applied(store, List.of(credit("5")));

            assertThat(record(earlier)).isEmpty();
            assertWallet("15", 2);
        }

        @Test
        void reuseOfTheLastWritesEventIdConflictsAndRecordsTheOriginal() {
            WalletEvent original = credit("10");
            Outcome first = appliedWithoutRecord(original);
            WalletEvent reused = reusedForAnotherAmount(original);

            assertThat(applied(store, List.of(reused)).get(0)).isInstanceOfSatisfying(Outcome.Rejected.class,
                    rejected -> assertThat(rejected.reason()).isEqualTo(RejectionReason.EVENT_ID_CONFLICT));
            assertThat(applied(store, List.of(original)).get(0)).usingRecursiveComparison()
                    .isEqualTo(first);
            assertWallet("10", 1);
        }

        @Test
        void reuseBesideANewEventRecordsTheOriginalBeforeTheWriteReplacesIt() {
            WalletEvent original = credit("10");
            Outcome first = appliedWithoutRecord(original);
            WalletEvent reused = reusedForAnotherAmount(original);

            List<Outcome> outcomes = applied(store, List.of(reused, credit("5")));

            assertThat(outcomes.get(0)).isInstanceOfSatisfying(Outcome.Rejected.class,
                    rejected -> assertThat(rejected.reason()).isEqualTo(RejectionReason.EVENT_ID_CONFLICT));
            assertWallet("15", 2);
            // The write of the new event replaced last_run: the original is known from its record only.
            assertThat(applied(newInstance(), List.of(original)).get(0)).usingRecursiveComparison().isEqualTo(first);
            assertWallet("15", 2);
        }
    }

    /** Outcomes out while the records are written, and the next batch of the same users meanwhile. */
    @Nested
    class RecordsInFlight {

        @Test
        void outcomesGoOutOnceTheWalletHoldsThemAndAFailedPublishStillRecordsThem() {
            List<WalletEvent> batch = List.of(credit("10"), debit("4"), debit("50"));
            List<List<Outcome>> published = new ArrayList<>();
            List<Map<String, AttributeValue>> walletsWhenPublished = new ArrayList<>();

            assertThatThrownBy(() -> store.apply(batch, outcomes -> {
                published.add(outcomes);
                walletsWhenPublished.add(wallet());
                throw new IllegalStateException("Kafka is unreachable");
            })).hasMessage("Kafka is unreachable");

            assertThat(walletsWhenPublished).singleElement()
                    .satisfies(wallet -> assertThat(wallet.get("version").n()).isEqualTo("2"));
            assertThat(batch).allSatisfy(event -> assertThat(record(event)).isNotEmpty());
            double writesBefore = walletWrites();
            // The batch comes again, as a failed batch does: the same outcomes, nothing applied twice.
            assertThat(applied(newInstance(), batch)).usingRecursiveComparison()
                    .isEqualTo(published.get(0));
            assertThat(walletWrites()).isEqualTo(writesBefore);
            assertWallet("6", 2);
        }

        @Test
        void nextBatchKeepsTheirOutcomesAndWritesItsWalletAfterThem() {
            RecordsHeld held = new RecordsHeld();
            WalletStore instance = held.instance();
            applied(instance, List.of(credit("10")));
            WalletEvent overdraft = debit("50");
            held.hold();
            Stores.Applying first = applying(instance, List.of(overdraft));

            // The rejection's record is not written yet, and no wallet write keeps it: only the instance knows it.
            CompletableFuture<List<Outcome>> next = CompletableFuture
                    .supplyAsync(() -> applying(instance, List.of(credit("100"), overdraft)).outcomes());
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !next.isDone());
            assertWallet("10", 1);
            held.release();

            assertThat(next.join().get(1)).usingRecursiveComparison().isEqualTo(first.outcomes().get(0));
            assertWallet("110", 2);
        }

        @Test
        void nextBatchesOfUsersWhoseRecordsAreGivenUpFail() {
            RecordsHeld held = new RecordsHeld();
            WalletStore instance = held.instance();
            applied(instance, List.of(credit("10")));
            held.hold();
            Recording first = applying(instance, List.of(credit("5"))).recording();
            CompletableFuture<Stores.Applying> next = CompletableFuture
                    .supplyAsync(() -> applying(instance, List.of(credit("1"))));
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !next.isDone());

            first.abandon(new IllegalStateException("the service is stopping"));

            // The batch that waited for them fails (not merely stays waiting), as does one started after.
            assertThat(next).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
                    .withMessageContaining("An earlier batch's records were given up");
            assertThatThrownBy(() -> applying(instance, List.of(credit("2"))))
                    .as("a batch of the same user started after the records were given up")
                    .hasMessageContaining("given up");
            held.release();
            assertWallet("15", 2);
        }
    }

    /** Wallets another tool, instance or consumer wrote, and the cache of this one. */
    @Nested
    class OtherWriters {

        @Test
        void walletWrittenByAnotherToolAtVersionZeroTakesEvents() {
            dynamo.putItem(r -> r.tableName(DynamoDbLocal.WALLET_TABLE).item(Map.of("user_id", AttributeValue.fromS(user),
                    "balance", AttributeValue.fromN("10"), "version", AttributeValue.fromN("0"))));

            assertThat(applied(store, List.of(debit("4"))).get(0)).isInstanceOf(Outcome.Applied.class);

            assertWallet("6", 1);
        }

        @Test
        void walletWrittenByAnotherToolAtAVersionTakesEvents() {
            dynamo.putItem(r -> r.tableName(DynamoDbLocal.WALLET_TABLE).item(Map.of("user_id", AttributeValue.fromS(user),
                    "balance", AttributeValue.fromN("10"), "version", AttributeValue.fromN("3"))));

            assertThat(applied(store, List.of(debit("4"))).get(0)).isInstanceOf(Outcome.Applied.class);
            assertThat(applied(store, List.of(credit("1"))).get(0)).isInstanceOf(Outcome.Applied.class);

            assertWallet("7", 5);
        }

        @Test
        void walletWhoseWriteCanNeverHoldFailsTheBatchInsteadOfRetryingForever() {
            // Only a last write's time and no events, at version 0: no conditional write this service makes takes it.
            dynamo.putItem(r -> r.tableName(DynamoDbLocal.WALLET_TABLE).item(Map.of("user_id", AttributeValue.fromS(user),
                    "balance", AttributeValue.fromN("5"), "version", AttributeValue.fromN("0"),
                    "last_run", AttributeValue.fromS(Instant.EPOCH.toString()))));
            double writes = requests("UpdateItem");

            assertThat(CompletableFuture.supplyAsync(() -> applied(store, List.of(credit("1")))))
                    .failsWithin(Duration.ofSeconds(30)).withThrowableThat()
                    .withMessageContaining("has not moved since it was read");

            assertThat(requests("UpdateItem") - writes).isEqualTo(1);
            assertWallet("5", 0);
        }

        @Test
        void debitThatWouldMakeTheBalanceTooLongForDynamoDbIsRejectedAsADebit() {
            dynamo.putItem(r -> r.tableName(DynamoDbLocal.WALLET_TABLE).item(Map.of("user_id", AttributeValue.fromS(user),
                    "balance", AttributeValue.fromN("1E+37"))));

            assertThat(applied(store, List.of(debit("0.01"))).get(0)).isInstanceOfSatisfying(Outcome.Rejected.class,
                    rejected -> assertThat(rejected).extracting(Outcome.Rejected::reason, Outcome.Rejected::detail)
                            .containsExactly(RejectionReason.INVALID_EVENT,
                                    "debit would take the balance beyond 38 digits, the most DynamoDB stores"));
            assertThat(new BigDecimal(wallet().get("balance").n())).isEqualByComparingTo("1E+37");
        }

        @Test
        void nextBatchOfAUserReadsOnlyTheRecordsItsWalletCached() {
            applied(store, List.of(credit("10")));
            double reads = requests("BatchGetItem");

            applied(store, List.of(credit("5")));

            assertThat(requests("BatchGetItem") - reads).isEqualTo(1);
            assertWallet("15", 2);
        }

        @Test
        void creditOnAWalletMovedSinceItWasCachedIsWrittenOnItAsItIs() {
            applied(store, List.of(credit("10")));
            applied(newInstance(), List.of(credit("100")));

            assertThat(applied(store, List.of(credit("1"))).get(0))
                    .isInstanceOfSatisfying(Outcome.Applied.class, applied -> assertThat(applied.version()).isEqualTo(3));

            assertWallet("111", 3);
        }

        @Test
        void debitTheCachedWalletCouldNotPayIsJudgedOnTheWalletAsItIs() {
            applied(store, List.of(credit("10")));
            applied(newInstance(), List.of(credit("100")));

            assertThat(applied(store, List.of(debit("50"))).get(0)).isInstanceOf(Outcome.Applied.class);

            assertWallet("60", 3);
        }

        @Test
        void debitFundedByAnotherInstancesCreditIsNotRejected() {
            applied(store, List.of(credit("10")));
            WalletEvent funding = credit("100");
            applied(newInstance(), List.of(funding));
            WalletEvent debit = debit("50");

            // The credit is found recorded, so only the debit is new: judged on the wallet without the credit, it
            // would be rejected, and a rejection writes nothing that a version condition could catch.
            List<Outcome> outcomes = applied(store, List.of(funding, debit));

            assertThat(outcomes.get(1)).isInstanceOfSatisfying(Outcome.Applied.class,
                    applied -> assertThat(applied.balance()).isEqualByComparingTo("60"));
            assertWallet("60", 3);
        }

        @Test
        void debitFundedByAnotherInstancesCreditIsNotRejectedBesideAnotherUsersWalletWrite() {
            applied(store, List.of(credit("10")));
            WalletEvent funding = credit("100");
            applied(newInstance(), List.of(funding));
            WalletEvent otherUsersCredit = new WalletEvent(UUID.randomUUID().toString(), user + "-other",
                    EventType.CREDIT, new BigDecimal("1"), Instant.now());

            // A batch that also writes another wallet still checks the version the debit was judged on.
            List<Outcome> outcomes = applied(store, List.of(funding, otherUsersCredit, debit("50")));

            assertThat(outcomes.get(2)).isInstanceOfSatisfying(Outcome.Applied.class,
                    applied -> assertThat(applied.balance()).isEqualByComparingTo("60"));
            assertWallet("60", 3);
        }

        @Test
        void eventRefusedAsTooOldIsNotAppliedByAnInstanceThatJudgedItBeforeItsCutOff() {
            applied(store, List.of(credit("10")));
            WalletEvent late = credit("5").sent(Instant.now().minus(Duration.ofDays(7)).plus(Duration.ofMinutes(30)));

            // Judged by an instance half an hour earlier (a longer retention stands for its earlier clock), which
            // was then paused before its wallet write, and meanwhile by the partition's next owner, after the cut-off.
            try (PausedBeforeItsWrite earlier = new PausedBeforeItsWrite("P8D")) {
                CompletableFuture<List<Outcome>> judgedEarlier = earlier.apply(late);
                List<Outcome> refused = applied(store, List.of(late));
                earlier.resume();

                assertThat(refused).singleElement().isInstanceOfSatisfying(Outcome.Rejected.class,
                        rejected -> assertThat(rejected.reason()).isEqualTo(RejectionReason.EVENT_TOO_OLD));
                assertThat(judgedEarlier).succeedsWithin(Duration.ofSeconds(30)).usingRecursiveComparison()
                        .isEqualTo(refused);
            }
            assertWallet("10", 1);
        }

        @Test
        void eventAppliedIsNotRefusedAsTooOldByAnInstanceThatJudgedItAfterItsCutOff() {
            applied(store, List.of(credit("10")));
            WalletEvent late = credit("5").sent(Instant.now().minus(Duration.ofDays(7)).plus(Duration.ofMinutes(30)));
            WalletConfig earlierClock = TestConfigs.wallet(Map.of("wallet.idempotency.retention", "P8D"));

            // Refused by an instance whose clock is half an hour ahead, paused before it wrote anything, and meanwhile
            // applied by another.
            try (PausedBeforeItsWrite later = new PausedBeforeItsWrite("P7D")) {
                CompletableFuture<List<Outcome>> judgedLater = later.apply(late);
                List<Outcome> applied = applied(Stores.instance(dynamo, requests, workers, registry, earlierClock),
                        List.of(late));
                later.resume();

                assertThat(applied).singleElement().isInstanceOf(Outcome.Applied.class);
                assertThat(judgedLater).succeedsWithin(Duration.ofSeconds(30)).usingRecursiveComparison()
                        .isEqualTo(applied);
            }
            assertWallet("15", 2);
            assertThat(record(late).get("outcome").s()).isEqualTo("APPLIED");
        }

        @Test
        void twoLanesOfOneInstanceRacingOnAUsersEventsApplyEachOnceInOrder() {
            // After a rebalance between two consumers of one instance, the old one may still process queued polls of a
            // partition while the new one processes the same records from the last committed offset.
            race(() -> store);
        }

        @Test
        void twoInstancesRacingOnAUsersEventsApplyEachOnceInOrder() {
            // An instance that lost a partition a moment ago, and its new owner, on the same records.
            race(WalletStoreTest::newInstance);
        }
    }

    /** What DynamoDB is asked and bills, and the largest batch one item holds. */
    @Nested
    class Cost {

        @Test
        void rejectionOnAnUnchangedWalletCostsOneVersionReadAndNoWrite() {
            applied(store, List.of(credit("10")));
            double writes = walletWrites();
            double versionReads = requests("GetItem");

            assertThat(applied(store, List.of(debit("50"))).get(0))
                    .isInstanceOfSatisfying(Outcome.Rejected.class,
                            rejected -> assertThat(rejected.reason()).isEqualTo(RejectionReason.INSUFFICIENT_FUNDS));

            assertThat(requests("GetItem") - versionReads).isEqualTo(1);
            assertThat(walletWrites()).isEqualTo(writes);
            assertWallet("10", 1);
        }

        @Test
        void eventsOfManyUsersCostOneWalletWriteEachAndBatchedReadsAndRecords() {
            List<WalletEvent> batch = java.util.stream.IntStream.range(0, 250).mapToObj(i -> new WalletEvent(
                    UUID.randomUUID().toString(), user + "-" + i, EventType.CREDIT, BigDecimal.ONE, Instant.now()))
                    .toList();
            double writes = walletWrites();
            double walletRequests = requests("BatchExecuteStatement");
            double updates = requests("UpdateItem");
            double reads = requests("BatchGetItem");
            double records = requests("BatchWriteItem");

            assertThat(applied(store, batch)).allMatch(Outcome.Applied.class::isInstance);

            // 250 wallet writes, 25 per request: 10; 250 wallets, then 250 event records, 100 keys per read: 3 + 3;
            // 250 records: 10 writes of 25.
            assertThat(walletWrites() - writes).isEqualTo(250);
            assertThat(requests("BatchExecuteStatement") - walletRequests).isEqualTo(10);
            assertThat(requests("BatchGetItem") - reads).isEqualTo(6);
            assertThat(requests("BatchWriteItem") - records).isEqualTo(10);
            assertThat(requests("UpdateItem")).isEqualTo(updates);
        }

        @Test
        void largestAllowedBatchOfOneUserFitsInItsWalletItem() {
            int allowed = WalletStore.maxEventsPerUser(2);

            assertThat(applied(store, largestEvents(allowed))).first().isInstanceOf(Outcome.Applied.class);
            // The limit is DynamoDB's: a quarter more is refused, and would be refused again on every retry.
            assertThatThrownBy(() -> applied(store, largestEvents(allowed + allowed / 4)))
                    .hasMessageContaining("Item size has exceeded the maximum allowed size");
        }

        @Test
        void walletWriteUnitsAreWhatDynamoDbReportsForTheUpdate() {
            Wallet before = Wallet.EMPTY;
            // One byte more each time across the 1 KB boundary, then a wallet far smaller than the one before it,
            // which is billed as the larger.
            List<Integer> idLengths = new java.util.ArrayList<>(java.util.stream.IntStream.range(860, 960).boxed().toList());
            idLengths.add(1);
            for (int idLength : idLengths) {
                WalletEvent event = new WalletEvent("e".repeat(idLength), user, EventType.CREDIT, new BigDecimal("12.5"),
                        Instant.now());
                Wallet after = Run.decide(before, List.of(event), Instant.now(), Instant.MIN).after();
                Map<String, AttributeValue> item = WalletItems.walletItem(user, after);

                double reported = dynamo.updateItem(requests.write(before, item).toBuilder()
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build()).consumedCapacity().capacityUnits();

                assertThat(WriteUnits.ofWallet(user, before, item)).as("eventId of %d characters", idLength)
                        .isEqualTo((int) reported);
                before = after;
            }
        }

        @Test
        void recordWriteUnitsAreWhatDynamoDbReportsForThePut() {
            Instant expiresAt = Instant.now().plus(Duration.ofDays(7));
            // One byte more each time across the 1 KB boundary, applied and rejected; then 3 bytes more each time,
            // in chars of 3 bytes each.
            List<String> ids = new ArrayList<>();
            java.util.stream.IntStream.range(800, 900).forEach(length -> ids.add("e".repeat(length)));
            java.util.stream.IntStream.range(260, 300).forEach(length -> ids.add("\u20AC".repeat(length)));
            for (int i = 0; i < ids.size(); i++) {
                WalletEvent event = new WalletEvent(user + "-" + ids.get(i), user, EventType.DEBIT,
                        new BigDecimal("12.5"), Instant.now());
                Outcome outcome = i % 2 == 0 ? new Outcome.Applied(event, new BigDecimal("1007.25"), i + 1,
                        Instant.now()) : Run.rejected(event, RejectionReason.INSUFFICIENT_FUNDS, BigDecimal.TEN);
                Map<String, AttributeValue> record = WalletItems.record(event, outcome, expiresAt);

                double reported = dynamo.putItem(r -> r.tableName(DynamoDbLocal.EVENTS_TABLE).item(record)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)).consumedCapacity().capacityUnits();

                assertThat(WriteUnits.of(record)).as("eventId of %d characters", event.eventId().length())
                        .isEqualTo((int) reported);
            }
        }
    }

    /**
     * Events with the longest ids, amounts and sources there can be, of a user with the longest id: a credit, then
     * debits.
     */
    private static List<WalletEvent> largestEvents(int count) {
        String userId = "\uD83D\uDCB0".repeat(255) + new StringBuilder().appendCodePoint(0x20000 + count);
        List<WalletEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String eventId = "\uD83D\uDCB0".repeat(126) + new StringBuilder().appendCodePoint(0x20000 + count)
                    .appendCodePoint(0x20000 + i);
            String source = WalletEvent.source(Integer.MAX_VALUE, Long.MAX_VALUE - i);
            events.add(i == 0
                    ? new WalletEvent(eventId, userId, EventType.CREDIT,
                            new BigDecimal("99999999999999999999999999999999999.99"), Instant.now(), source, null)
                    : new WalletEvent(eventId, userId, EventType.DEBIT,
                            new BigDecimal("999999999999999999999999999999999999.99"), Instant.now(), source, null));
        }
        return events;
    }

    /** An instance whose records writes can be held back, as DynamoDB answering slowly would. */
    private static final class RecordsHeld {

        private final ExecutorService pool = Executors.newCachedThreadPool();
        private volatile CountDownLatch gate = new CountDownLatch(0);
        private volatile boolean refused;

        WalletStore instance() {
            StoreWorkers held = new StoreWorkers(new AbstractExecutorService() {
                // Only the records go through it: one user's reads and wallet writes run on the caller's thread.
                @Override
                public void execute(Runnable command) {
                    if (refused) {
                        throw new RejectedExecutionException("DynamoDB is unreachable");
                    }
                    CountDownLatch current = gate;
                    pool.execute(() -> {
                        try {
                            current.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        command.run();
                    });
                }

                @Override
                public void shutdown() {
                    pool.shutdown();
                }

                @Override
                public List<Runnable> shutdownNow() {
                    return pool.shutdownNow();
                }

                @Override
                public boolean isShutdown() {
                    return pool.isShutdown();
                }

                @Override
                public boolean isTerminated() {
                    return pool.isTerminated();
                }

                @Override
                public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
                    return pool.awaitTermination(timeout, unit);
                }
            });
            return Stores.instance(dynamo, requests, held, registry, config);
        }

        void hold() {
            gate = new CountDownLatch(1);
        }

        /** Records writes fail until {@link #accept}. */
        void refuse() {
            refused = true;
        }

        void accept() {
            refused = false;
        }

        void release() {
            gate.countDown();
            pool.shutdown();
        }
    }

    /**
     * An instance whose first DynamoDB write waits until {@link #resume}, as if the instance was paused just before
     * it, after it judged its batch; with its own retention, which stands for a clock running earlier or later.
     */
    private static final class PausedBeforeItsWrite implements ExecutionInterceptor, AutoCloseable {

        private final AtomicBoolean armed = new AtomicBoolean(true);
        private final CountDownLatch paused = new CountDownLatch(1);
        private final CountDownLatch resumed = new CountDownLatch(1);
        private final DynamoDbClient client;
        private final WalletStore instance;

        PausedBeforeItsWrite(String retention) {
            WalletConfig settings = TestConfigs.wallet(Map.of("wallet.idempotency.retention", retention));
            client = DynamoDbLocal.client(server.endpoint(), this);
            instance = Stores.instance(client, new WalletRequests(settings), workers, registry, settings);
        }

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            SdkRequest request = context.request();
            boolean write = request instanceof BatchExecuteStatementRequest || request instanceof UpdateItemRequest
                    || request instanceof BatchWriteItemRequest;
            if (write && armed.compareAndSet(true, false)) {
                paused.countDown();
                try {
                    resumed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** Its outcomes of a batch of this event, applied in the background; returns once it is paused. */
        CompletableFuture<List<Outcome>> apply(WalletEvent event) {
            CompletableFuture<List<Outcome>> outcomes = CompletableFuture.supplyAsync(
                    () -> applied(instance, List.of(event)));
            await().atMost(Duration.ofSeconds(10)).until(() -> paused.getCount() == 0 || outcomes.isDone());
            assertThat(outcomes).as("paused before its first write").isNotDone();
            return outcomes;
        }

        void resume() {
            resumed.countDown();
        }

        @Override
        public void close() {
            resume();
            client.close();
        }
    }

    private WalletEvent credit(String amount) {
        return new WalletEvent(UUID.randomUUID().toString(), user, EventType.CREDIT, new BigDecimal(amount),
                Instant.now());
    }

    private WalletEvent debit(String amount) {
        return new WalletEvent(UUID.randomUUID().toString(), user, EventType.DEBIT, new BigDecimal(amount),
                Instant.now());
    }

    /**
     * Rounds of two consumers fed the same stream of one user's credits and debits, each cutting it into batches
     * of its own sizes, applied one after the other as a lane does (the next batch starts once the one before
     * returned, its records still being written): both must publish, for every event, the outcome of applying the
     * stream once in order.
     */
    private void race(Supplier<WalletStore> otherConsumer) {
        Random random = new Random(17);
        double decidedAgain = requests("UpdateItem");
        ExecutorService consumers = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                String userId = user + "-race-" + round;
                List<WalletEvent> stream = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    stream.add(new WalletEvent(UUID.randomUUID().toString(), userId,
                            random.nextBoolean() ? EventType.CREDIT : EventType.DEBIT,
                            BigDecimal.valueOf(1 + random.nextInt(20)), Instant.now()));
                }
                CyclicBarrier start = new CyclicBarrier(2);
                List<CompletableFuture<List<Outcome>>> raced = List.of(store, otherConsumer.get()).stream()
                        .map(instance -> CompletableFuture.supplyAsync(
                                () -> consume(instance, stream, new Random(random.nextLong()), start), consumers))
                        .toList();

                List<Outcome> once = OnceInOrder.outcomes(stream);
                for (CompletableFuture<List<Outcome>> consumer : raced) {
                    assertThat(consumer.join()).as("round %d", round).map(OnceInOrder::effect)
                            .containsExactlyElementsOf(once.stream().map(OnceInOrder::effect).toList());
                }
                assertThat(raced.get(0).join()).as("round %d: the same outcomes from both", round)
                        .usingRecursiveComparison().isEqualTo(raced.get(1).join());
                Stores.assertWalletAfter(dynamo, userId, once, "round " + round);
                assertThat(stream).allSatisfy(event -> assertThat(record(event)).isNotEmpty());
            }
            assertThat(requests("UpdateItem") - decidedAgain).as("wallet writes that lost a race, decided again")
                    .isPositive();
        } finally {
            consumers.shutdown();
        }
    }

    /** One consumer's outcomes, in stream order, once every batch's records are written. */
    private static List<Outcome> consume(WalletStore instance, List<WalletEvent> stream, Random sizes,
            CyclicBarrier start) {
        try {
            start.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        List<Outcome> published = new ArrayList<>();
        List<Stores.Applying> batches = new ArrayList<>();
        for (int from = 0; from < stream.size();) {
            int to = Math.min(stream.size(), from + 1 + sizes.nextInt(6));
            Stores.Applying batch = applying(instance, stream.subList(from, to));
            published.addAll(batch.outcomes());
            batches.add(batch);
            from = to;
        }
        batches.forEach(batch -> batch.written().join());
        return published;
    }

    /** Applied, then its record lost, as after a crash: it is known from its wallet's last write only. */
    private static Outcome appliedWithoutRecord(WalletEvent event) {
        Outcome outcome = applied(store, List.of(event)).get(0);
        deleteRecord(event);
        return outcome;
    }

    private static WalletEvent reusedForAnotherAmount(WalletEvent original) {
        return new WalletEvent(original.eventId(), original.userId(), original.type(),
                original.amount().add(BigDecimal.ONE), Instant.now());
    }

    private static Map<String, AttributeValue> record(WalletEvent event) {
        return Stores.record(dynamo, event);
    }

    /** As if the event was first used six days ago. */
    private static void expireTomorrow(WalletEvent event) {
        dynamo.updateItem(r -> r.tableName(DynamoDbLocal.EVENTS_TABLE)
                .key(Map.of("event_id", AttributeValue.fromS(event.eventId())))
                .updateExpression("SET expires_at = :at").expressionAttributeValues(Map.of(":at",
                        AttributeValue.fromN(Long.toString(Instant.now().plus(Duration.ofDays(1)).getEpochSecond())))));
    }

    /** The event's record lasts until a replay of an input record sent at {@code sent} would be refused as too old. */
    private static void assertRememberedUntilARecordSentAtIsRefused(WalletEvent event, Instant sent) {
        long refusable = sent.minus(Duration.ofHours(1)).plus(Duration.ofDays(7)).getEpochSecond();
        assertThat(Long.parseLong(record(event).get("expires_at").n())).isGreaterThanOrEqualTo(refusable);
    }

    private static void deleteRecord(WalletEvent event) {
        dynamo.deleteItem(r -> r.tableName(DynamoDbLocal.EVENTS_TABLE)
                .key(Map.of("event_id", AttributeValue.fromS(event.eventId()))));
    }

    private Map<String, AttributeValue> wallet() {
        return Stores.wallet(dynamo, user);
    }

    private void assertWallet(String balance, long version) {
        Map<String, AttributeValue> item = wallet();
        assertThat(new BigDecimal(item.get("balance").n())).isEqualByComparingTo(balance);
        assertThat(item.get("version").n()).isEqualTo(Long.toString(version));
    }

    private static double walletWrites() {
        return Stores.walletWrites(registry);
    }

    private static double recordWriteUnits() {
        return registry.counter("wallet.dynamodb.write.units", "table", DynamoDbLocal.EVENTS_TABLE, "run", "none")
                .count();
    }

    private static double requests(String operation) {
        return registry.counter("wallet.dynamodb.requests", "operation", operation).count();
    }
}

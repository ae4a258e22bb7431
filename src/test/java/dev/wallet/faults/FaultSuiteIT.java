package dev.wallet.faults;

import java.time.Duration;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.wallet.servers.ServiceProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The guarantees under faults, with the packaged service as its own OS process against a real Kafka broker and
 * DynamoDB Local, judged by an independent checker (see docs/reliability.md). Sizes and seed can be changed with
 * -Dfaults.events, -Dfaults.users and -Dfaults.seed.
 */
class FaultSuiteIT {

    private static final int EVENTS = Integer.getInteger("faults.events", 40_000);
    private static final int USERS = Integer.getInteger("faults.users", 500);
    private static final long SEED = Long.getLong("faults.seed", 20261126L);

    // Over a minute: the Kafka connector's throttled commit strategy gives up on a record unacknowledged for 60 s
    // by default, which stopped consuming for good.
    private static final Duration OUTAGE = Duration.ofSeconds(70);

    // Several times the 10 s session timeout (FaultRun) of a paused instance, or the 2 s transaction timeout.
    private static final Duration EVICTED = Duration.ofSeconds(40);
    private static final Duration ABORTED = Duration.ofSeconds(30);

    // Longer than the 2 s transaction timeout plus the broker's 1 s between checks for timed-out ones (KafkaBroker).
    private static final Duration SLOW_KAFKA = Duration.ofSeconds(4);

    // The scenarios with two instances also run several consumers per instance (one is the default), so that
    // partitions move between consumers of an instance as well as between instances.
    private static final int CONSUMERS = 3;
    private static final List<String> SEVERAL_CONSUMERS = List
            .of("-Dmp.messaging.incoming.wallet-events.concurrency=" + CONSUMERS);

    private final Random random = new Random(SEED);

    @Test
    void repeatedKillMinus9LosesNothingAndAppliesNothingTwice() throws Exception {
        try (FaultRun run = start("kill -9 x3")) {
            ServiceProcess service = run.startService("service");
            for (double share : new double[] { 0.15, 0.45, 0.75 }) {
                run.awaitProgress(share + random.nextDouble() * 0.1);
                service.kill();
                run.faults.add("kill -9 at %.0f%%".formatted(run.progress() * 100));
                service = run.startService("service");
                run.faults.add("outputs again %.1f s after restart".formatted(seconds(run.awaitOutputs())));
            }
            assertNoMismatch(run.finish());
        }
    }

    @Test
    void rebalanceAfterOneOfTwoInstancesDiesLosesNothing() throws Exception {
        try (FaultRun run = start("2 instances, one killed")) {
            ServiceProcess first = run.startService("first", SEVERAL_CONSUMERS);
            run.startService("second", SEVERAL_CONSUMERS);
            // Early: the survivor drains its own partitions until the eviction, and the rest soon after it.
            run.awaitProgress(0.1 + random.nextDouble() * 0.1);
            await().atMost(EVICTED).until(() -> run.broker.stableWith(2 * CONSUMERS));
            first.kill();
            long killed = System.nanoTime();
            run.faults.add("kill -9 of one instance at %.0f%%".formatted(run.progress() * 100));
            // Restarted only once its partitions moved to the survivor: otherwise this is only a kill and restart.
            await().atMost(EVICTED).pollInterval(Duration.ofMillis(200))
                    .until(() -> run.broker.stableWith(CONSUMERS));
            run.faults.add("evicted %.1f s later, at %.0f%%".formatted(
                    seconds(Duration.ofNanos(System.nanoTime() - killed)), run.progress() * 100));
            run.startService("first", SEVERAL_CONSUMERS);
            run.faults.add("restarted at %.0f%%".formatted(run.progress() * 100));
            assertNoMismatch(run.finish());
        }
    }

    @Test
    void instancePausedPastItsSessionThenResumedAsAZombieLosesNothingAndAppliesNothingTwice() throws Exception {
        try (FaultRun run = start("2 instances, one paused")) {
            ServiceProcess zombie = run.startService("paused", SEVERAL_CONSUMERS);
            run.startService("other", SEVERAL_CONSUMERS);
            run.awaitProgress(0.2 + random.nextDouble() * 0.2);
            await().atMost(EVICTED).until(() -> run.broker.stableWith(2 * CONSUMERS));
            zombie.pause();
            long paused = System.nanoTime();
            run.faults.add("SIGSTOP of one instance at %.0f%%".formatted(run.progress() * 100));
            // Its partitions move to the other instance, which processes their records from the last committed
            // offsets while the paused one still holds its batches in flight.
            await().atMost(EVICTED).pollInterval(Duration.ofMillis(200))
                    .until(() -> run.broker.stableWith(CONSUMERS));
            run.faults.add("evicted %.1f s later".formatted(seconds(Duration.ofNanos(System.nanoTime() - paused))));
            run.awaitProgress(Math.min(run.progress() + 0.25, 0.9));
            long staleBefore = staleBatches(run, "paused");
            zombie.resume();
            run.faults.add("SIGCONT at %.0f%%".formatted(run.progress() * 100));
            Verdict verdict = run.finish();
            assertThat(staleBatches(run, "paused") - staleBefore)
                    .as("batches the resumed instance held, dropped or refused at their commit").isPositive();
            assertNoMismatch(verdict);
        }
    }

    @Test
    void transactionTheBrokerTimedOutIsCommittedAgainOnANewProducer() throws Exception {
        try (FaultRun run = start("transaction timed out")) {
            run.startService("service", List.of("-Dwallet.output.transaction-timeout=PT2S"));
            run.awaitProgress(0.3 + random.nextDouble() * 0.2);
            // A transaction is open at the broker from its first output to its commit, which is sent once the
            // outputs are acknowledged: slowed down so, every transaction outlives its 2 s timeout, and the
            // heartbeats still keep the 10 s session.
            int abortedBefore = run.broker.aborted();
            run.kafkaLine.delayRequests(SLOW_KAFKA);
            long slowed = System.nanoTime();
            run.faults.add("requests to Kafka %d s late from %.0f%%".formatted(SLOW_KAFKA.toSeconds(),
                    run.progress() * 100));
            await().atMost(ABORTED).pollInterval(Duration.ofMillis(200)).until(() -> run.broker.aborted() > abortedBefore);
            run.kafkaLine.delayRequests(Duration.ZERO);
            run.faults.add("on time again once the broker aborted a transaction, %.1f s later; outputs again %.1f s"
                    .formatted(seconds(Duration.ofNanos(System.nanoTime() - slowed)), seconds(run.awaitOutputs())));
            Verdict verdict = run.finish();
            // The broker bumped the producer's epoch when it aborted the transaction: its next request fails so.
            assertThat(run.logLines("service", "InvalidProducerEpochException")
                    + run.logLines("service", "ProducerFencedException"))
                    .as("batches that failed on the timed-out producer and were retried").isPositive();
            assertNoMismatch(verdict);
        }
    }

    @Test
    void kafkaBrokerRestartLosesNothing() throws Exception {
        try (FaultRun run = start("Kafka broker restart")) {
            run.startService("service");
            run.awaitProgress(0.3 + random.nextDouble() * 0.2);
            run.servers.kafka().stop();
            run.faults.add("broker stopped at %.0f%%".formatted(run.progress() * 100));
            run.servers.kafka().start();
            run.faults.add("outputs again %.1f s after the broker restarted".formatted(seconds(run.awaitOutputs())));
            assertNoMismatch(run.finish());
        }
    }

    @Test
    void dynamoDbOutageIsWaitedOutWithoutLoss() throws Exception {
        try (FaultRun run = start("DynamoDB outage 70 s")) {
            ServiceProcess service = run.startService("service");
            run.awaitProgress(0.3 + random.nextDouble() * 0.2);
            run.dynamoDbLine.cut();
            run.faults.add("DynamoDB cut at %.0f%%".formatted(run.progress() * 100));
            await().atMost(Duration.ofSeconds(30)).until(() -> !service.ready());
            await().during(OUTAGE).atMost(OUTAGE.plusSeconds(10)).until(() -> !service.ready());
            run.faults.add("not ready throughout the outage");
            run.dynamoDbLine.heal();
            run.faults.add("outputs again %.1f s after healing".formatted(seconds(run.awaitOutputs())));
            await().atMost(Duration.ofSeconds(30)).until(service::ready);
            assertNoMismatch(run.finish());
        }
    }

    @Test
    void gracefulShutdownMidStreamLosesNothing() throws Exception {
        try (FaultRun run = start("SIGTERM mid-stream")) {
            ServiceProcess service = run.startService("service");
            run.awaitProgress(0.3 + random.nextDouble() * 0.3);
            Duration exit = service.terminate(Duration.ofSeconds(30));
            run.faults.add("SIGTERM at %.0f%%, exited in %s".formatted(run.progress() * 100,
                    exit == null ? "more than 30 s" : "%.1f s".formatted(seconds(exit))));
            assertThat(exit).as("exit after SIGTERM").isNotNull();
            run.startService("service");
            assertNoMismatch(run.finish());
        }
    }

    private FaultRun start(String scenario) {
        FaultRun run = new FaultRun(scenario);
        run.produce(EventStream.generate(SEED, EVENTS, USERS));
        return run;
    }

    /** Batches of an earlier group generation that the instance dropped, or whose commit the broker refused. */
    private static long staleBatches(FaultRun run, String service) {
        return run.logLines(service, "is dropped") + run.logLines(service, "CommitFailedException");
    }

    private static void assertNoMismatch(Verdict verdict) {
        assertThat(verdict.mismatches).as("checker mismatches").isEmpty();
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}

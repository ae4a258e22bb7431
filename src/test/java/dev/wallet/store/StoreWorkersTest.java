package dev.wallet.store;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** How a batch's DynamoDB requests run: all at once, each awaited, even when one fails. */
class StoreWorkersTest {

    private final StoreWorkers workers = new StoreWorkers(TestConfigs.wallet(Map.of()));

    @AfterEach
    void stop() {
        workers.stop();
    }

    @Test
    void returnsEveryTaskResultInOrder() {
        List<Integer> results = workers.all(List.<Callable<Integer>> of(() -> 1, () -> 2, () -> 3));

        assertThat(results).containsExactly(1, 2, 3);
    }

    @Test
    void aFailedTaskIsThrownOnlyOnceEveryTaskEnded() {
        CountDownLatch failed = new CountDownLatch(1);
        AtomicBoolean ended = new AtomicBoolean();
        Callable<Boolean> stillInFlight = () -> {
            failed.await();
            ended.set(true);
            return true;
        };
        Callable<Boolean> refused = () -> {
            failed.countDown();
            throw new IllegalStateException("DynamoDB refused the records");
        };

        assertThatThrownBy(() -> workers.all(List.of(stillInFlight, refused)))
                .hasMessage("DynamoDB refused the records");

        assertThat(ended).isTrue();
    }

    @Test
    void startedTasksCompleteOnceEveryTaskEndedFailedWithTheFailureOfOne() {
        CountDownLatch mayEnd = new CountDownLatch(1);
        Callable<Void> stillInFlight = () -> {
            mayEnd.await();
            return null;
        };
        Callable<Void> refused = () -> {
            throw new IllegalStateException("DynamoDB refused the records");
        };

        CompletableFuture<Void> started = workers.start(List.of(stillInFlight, refused));

        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !started.isDone());
        mayEnd.countDown();
        assertThat(started).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
                .withRootCauseInstanceOf(IllegalStateException.class)
                .withMessageContaining("DynamoDB refused the records");
    }

    @Test
    void aStopBetweenTwoSubmitsStillWaitsForTheTasksSubmitted() {
        StoreWorkers stopping = new StoreWorkers(new StopsAtSecondSubmit());
        CountDownLatch callerGaveUp = new CountDownLatch(1);
        AtomicBoolean ended = new AtomicBoolean();
        // Ends on its own after a while, or at once if the caller stops waiting for it: the caller must not.
        Callable<Boolean> recordsInFlight = () -> {
            callerGaveUp.await(1, TimeUnit.SECONDS);
            ended.set(true);
            return true;
        };

        assertThatThrownBy(() -> stopping.all(List.of(recordsInFlight, () -> true)))
                .isInstanceOf(RejectedExecutionException.class);
        boolean endedBeforeTheCallerReturned = ended.get();
        callerGaveUp.countDown();

        assertThat(endedBeforeTheCallerReturned).isTrue();
    }

    /** A pool that the service stops just as a batch submits its second task. */
    private static final class StopsAtSecondSubmit extends ThreadPoolExecutor {

        private final AtomicInteger submits = new AtomicInteger();

        StopsAtSecondSubmit() {
            super(2, 2, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        }

        @Override
        public void execute(Runnable command) {
            if (submits.incrementAndGet() == 2) {
                shutdown();
            }
            super.execute(command);
        }
    }
}

package dev.wallet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How a batch's DynamoDB requests run beside the work its own thread does meanwhile (publishing). */
class StoreWorkersTest {

    private final StoreWorkers workers = new StoreWorkers(TestConfigs.wallet(Map.of()));

    @AfterEach
    void stop() {
        workers.stop();
    }

    @Test
    void returnsEveryTaskResultInOrderOnceMeanwhileRan() {
        AtomicBoolean ran = new AtomicBoolean();

        List<Integer> results = workers.all(List.<Callable<Integer>> of(() -> 1, () -> 2, () -> 3),
                () -> ran.set(true));

        assertThat(results).containsExactly(1, 2, 3);
        assertThat(ran).isTrue();
    }

    @Test
    void aFailureMeanwhileIsThrownOnlyOnceEveryTaskEnded() {
        CountDownLatch failed = new CountDownLatch(1);
        AtomicBoolean ended = new AtomicBoolean();
        Callable<Boolean> recordsStillInFlight = () -> {
            failed.await();
            ended.set(true);
            return true;
        };

        assertThatThrownBy(() -> workers.all(List.of(recordsStillInFlight, () -> true), () -> {
            failed.countDown();
            throw new IllegalStateException("Kafka is unreachable");
        })).hasMessage("Kafka is unreachable");

        assertThat(ended).isTrue();
    }

    @Test
    void aTaskFailsTooItIsKeptInTheFailureMeanwhile() {
        Callable<Boolean> refused = () -> {
            throw new IllegalStateException("DynamoDB refused the records");
        };

        assertThatThrownBy(() -> workers.all(List.of(refused, () -> true), () -> {
            throw new IllegalStateException("Kafka is unreachable");
        })).hasMessage("Kafka is unreachable")
                .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage)
                        .containsExactly("DynamoDB refused the records"));
    }

    @Test
    void aStopBetweenTwoSubmitsStillWaitsForTheTasksSubmitted() {
        StoreWorkers stopping = new StoreWorkers(2, new StopsAtSecondSubmit());
        CountDownLatch callerGaveUp = new CountDownLatch(1);
        AtomicBoolean ran = new AtomicBoolean();
        AtomicBoolean ended = new AtomicBoolean();
        // Ends on its own after a while, or at once if the caller stops waiting for it: the caller must not.
        Callable<Boolean> recordsInFlight = () -> {
            callerGaveUp.await(1, TimeUnit.SECONDS);
            ended.set(true);
            return true;
        };

        assertThatThrownBy(() -> stopping.all(List.of(recordsInFlight, () -> true), () -> ran.set(true)))
                .isInstanceOf(RejectedExecutionException.class);
        boolean endedBeforeTheCallerReturned = ended.get();
        callerGaveUp.countDown();

        assertThat(endedBeforeTheCallerReturned).isTrue();
        assertThat(ran).as("publishing for a batch that cannot be completed").isFalse();
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

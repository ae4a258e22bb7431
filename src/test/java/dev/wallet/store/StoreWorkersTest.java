package dev.wallet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

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
}

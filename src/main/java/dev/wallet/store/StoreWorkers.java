package dev.wallet.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.opentelemetry.context.Context;

import dev.wallet.config.WalletConfig;

/**
 * The threads that carry DynamoDB requests, shared by every consumer: their number is how many requests the
 * instance keeps in flight ({@code wallet.store.concurrency}), which is what throughput comes from when each
 * request waits milliseconds for DynamoDB.
 */
@ApplicationScoped
public class StoreWorkers {

    private final ExecutorService executor;

    @Inject
    public StoreWorkers(WalletConfig config) {
        // Each task runs in the tracing context of its submitter: its DynamoDB request is a child of the batch span.
        this(Context.taskWrapping(Executors.newFixedThreadPool(config.store().concurrency(), runnable -> {
            Thread thread = new Thread(runnable, "dynamodb-request");
            thread.setDaemon(true);
            return thread;
        })));
    }

    StoreWorkers(ExecutorService executor) {
        this.executor = executor;
    }

    /** Runs every task, all at once, and returns their results in order, or throws the first failure. */
    <T> List<T> all(List<Callable<T>> tasks) {
        if (tasks.size() == 1) {
            // Nothing to overlap: the caller's own thread does it.
            return Collections.singletonList(call(tasks.get(0)));
        }
        List<Future<T>> futures = new ArrayList<>(tasks.size());
        RuntimeException failure = null;
        try {
            for (Callable<T> task : tasks) {
                futures.add(executor.submit(task));
            }
        } catch (RejectedExecutionException e) {
            // A stopping service refuses new tasks: the ones already submitted are still waited for.
            failure = e;
        }
        List<T> results = new ArrayList<>(tasks.size());
        failure = awaitAll(futures, results, failure);
        if (failure != null) {
            throw failure;
        }
        return results;
    }

    /**
     * Starts every task at once; completes once every task ended, failed with a failure of one of them if any. A
     * stopping service refuses new tasks: then it fails, once the tasks already started ended.
     */
    CompletableFuture<Void> start(List<Callable<Void>> tasks) {
        CompletableFuture<?>[] started = new CompletableFuture<?>[tasks.size()];
        for (int i = 0; i < tasks.size(); i++) {
            Callable<Void> task = tasks.get(i);
            try {
                started[i] = CompletableFuture.runAsync(() -> call(task), executor);
            } catch (RejectedExecutionException e) {
                started[i] = CompletableFuture.failedFuture(e);
            }
        }
        return CompletableFuture.allOf(started);
    }

    /**
     * Adds each task's result to {@code results}, in order, and returns {@code failure} with the tasks' first
     * failure suppressed in it, or that task failure alone: every task has ended by then, since a batch retried
     * while some of its writes still run would race with itself. Only an interrupt (the service stopping) ends
     * the wait sooner, cancelling the tasks: that batch is not acknowledged, and its next owner does it all again.
     */
    private static <T> RuntimeException awaitAll(List<Future<T>> futures, List<T> results,
            RuntimeException failure) {
        RuntimeException taskFailure = null;
        for (Future<T> future : futures) {
            try {
                results.add(future.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                futures.forEach(f -> f.cancel(true));
                IllegalStateException interrupted = new IllegalStateException(
                        "Interrupted while DynamoDB requests were in flight", e);
                if (failure != null) {
                    interrupted.addSuppressed(failure);
                }
                throw interrupted;
            } catch (ExecutionException e) {
                if (taskFailure == null) {
                    taskFailure = e.getCause() instanceof RuntimeException runtime ? runtime
                            : new IllegalStateException(e.getCause());
                }
            }
        }
        if (failure == null) {
            return taskFailure;
        }
        if (taskFailure != null) {
            failure.addSuppressed(taskFailure);
        }
        return failure;
    }

    static <T> T call(Callable<T> task) {
        try {
            return task.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // Not shutdownNow: a dropped queued task never completes its future, and the batch waiting on it would hang
    // until the shutdown interrupts it. Requests in flight finish (or fail on the closed client) within
    // moments; new ones are refused, which fails the batch, left for the partition's next owner.
    @PreDestroy
    void stop() {
        executor.shutdown();
    }
}

package dev.wallet.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchExecuteStatementRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchExecuteStatementResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementError;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementErrorCodeEnum;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * DynamoDB throttling part of a batch request, as it does when a partition is over its limits, in front of a real
 * DynamoDB (Local): the keys, items and statements it picks are never sent, and come back unprocessed
 * (BatchGetItem, BatchWriteItem) or with a ThrottlingError (BatchExecuteStatement); the rest goes through
 * unchanged. Like DynamoDB, it lets at least one of them through per request: when it can take none, DynamoDB
 * fails the whole request, which the SDK retries.
 */
final class Throttling implements ExecutionInterceptor {

    private static final ExecutionAttribute<Object> WITHHELD = new ExecutionAttribute<>("throttled");

    final AtomicInteger keys = new AtomicInteger();
    final AtomicInteger items = new AtomicInteger();
    final AtomicInteger statements = new AtomicInteger();
    private volatile Class<? extends SdkRequest> requests = SdkRequest.class;
    private volatile Predicate<Collection<AttributeValue>> picks = values -> false;

    /** Throttles each key, item or statement of every batch request with this probability. */
    void atRandom(double share, long seed) {
        Random random = new Random(seed);
        requests = SdkRequest.class;
        picks = values -> random.nextDouble() < share;
    }

    /** Throttles, in these requests only, every key, item or statement with a value naming one of these users. */
    void usersAmong(Class<? extends SdkRequest> requests, Set<String> userIds) {
        this.requests = requests;
        picks = values -> values.stream().anyMatch(value -> userIds.contains(value.s()));
    }

    void off() {
        picks = values -> false;
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        if (!requests.isInstance(request)) {
            return request;
        }
        if (request instanceof BatchGetItemRequest read) {
            return withholdKeys(read, attributes);
        }
        if (request instanceof BatchWriteItemRequest write) {
            return withholdItems(write, attributes);
        }
        if (request instanceof BatchExecuteStatementRequest batch) {
            return withholdStatements(batch, attributes);
        }
        return request;
    }

    @Override
    @SuppressWarnings("unchecked")
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        Object withheld = attributes.getAttribute(WITHHELD);
        SdkResponse response = context.response();
        if (withheld == null) {
            return response;
        }
        if (response instanceof BatchGetItemResponse read) {
            Map<String, KeysAndAttributes> unprocessed = new HashMap<>(read.unprocessedKeys());
            ((Map<String, KeysAndAttributes>) withheld).forEach((table, keys) -> unprocessed.merge(table, keys,
                    (one, other) -> one.toBuilder().keys(concat(one.keys(), other.keys())).build()));
            return read.toBuilder().unprocessedKeys(unprocessed).build();
        }
        if (response instanceof BatchWriteItemResponse write) {
            Map<String, List<WriteRequest>> unprocessed = new HashMap<>(write.unprocessedItems());
            ((Map<String, List<WriteRequest>>) withheld).forEach((table, items) -> unprocessed.merge(table, items,
                    Throttling::concat));
            return write.toBuilder().unprocessedItems(unprocessed).build();
        }
        return throttled((BatchExecuteStatementResponse) response, (Set<Integer>) withheld);
    }

    private SdkRequest withholdKeys(BatchGetItemRequest read, ExecutionAttributes attributes) {
        Map<String, List<Map<String, AttributeValue>>> withheld = new HashMap<>();
        Map<String, List<Map<String, AttributeValue>>> sent = split(read.requestItems().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, table -> table.getValue().keys())), Map::values,
                withheld, keys);
        if (withheld.isEmpty()) {
            return read;
        }
        attributes.putAttribute(WITHHELD, keysOf(read, withheld));
        return read.toBuilder().requestItems(keysOf(read, sent)).build();
    }

    /** These keys of each table, read as the request reads that table (consistently). */
    private static Map<String, KeysAndAttributes> keysOf(BatchGetItemRequest read,
            Map<String, List<Map<String, AttributeValue>>> keys) {
        return keys.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                table -> read.requestItems().get(table.getKey()).toBuilder().keys(table.getValue()).build()));
    }

    private SdkRequest withholdItems(BatchWriteItemRequest write, ExecutionAttributes attributes) {
        Map<String, List<WriteRequest>> withheld = new HashMap<>();
        Map<String, List<WriteRequest>> sent = split(write.requestItems(), put -> put.putRequest().item().values(),
                withheld, items);
        if (withheld.isEmpty()) {
            return write;
        }
        attributes.putAttribute(WITHHELD, withheld);
        return write.toBuilder().requestItems(sent).build();
    }

    private SdkRequest withholdStatements(BatchExecuteStatementRequest batch, ExecutionAttributes attributes) {
        List<BatchStatementRequest> sent = new ArrayList<>();
        Set<Integer> withheld = new HashSet<>();
        for (int i = 0; i < batch.statements().size(); i++) {
            BatchStatementRequest statement = batch.statements().get(i);
            if (picks.test(statement.parameters()) && (!sent.isEmpty() || i < batch.statements().size() - 1)) {
                withheld.add(i);
            } else {
                sent.add(statement);
            }
        }
        if (withheld.isEmpty()) {
            return batch;
        }
        statements.addAndGet(withheld.size());
        attributes.putAttribute(WITHHELD, withheld);
        return batch.toBuilder().statements(sent).build();
    }

    /** The responses of the statements sent, in their places, and a ThrottlingError in those of the others. */
    private static SdkResponse throttled(BatchExecuteStatementResponse response, Set<Integer> withheld) {
        List<BatchStatementResponse> all = new ArrayList<>();
        int sent = 0;
        for (int i = 0; sent < response.responses().size() || withheld.contains(i); i++) {
            all.add(withheld.contains(i) ? BatchStatementResponse.builder().error(BatchStatementError.builder()
                    .code(BatchStatementErrorCodeEnum.THROTTLING_ERROR).message("Throttled by the test").build())
                    .build() : response.responses().get(sent++));
        }
        return response.toBuilder().responses(all).build();
    }

    /**
     * Returns what to send of each table's keys or items, and puts those picked into {@code withheld}, counted; when
     * all are picked, the first is sent all the same.
     */
    private <T> Map<String, List<T>> split(Map<String, List<T>> all, Function<T, Collection<AttributeValue>> values,
            Map<String, List<T>> withheld, AtomicInteger counted) {
        Map<String, List<T>> sent = new HashMap<>();
        all.forEach((table, list) -> list.forEach(one -> (picks.test(values.apply(one)) ? withheld : sent)
                .computeIfAbsent(table, t -> new ArrayList<>()).add(one)));
        if (sent.isEmpty()) {
            Map.Entry<String, List<T>> first = withheld.entrySet().iterator().next();
            sent.put(first.getKey(), new ArrayList<>(List.of(first.getValue().remove(0))));
            if (first.getValue().isEmpty()) {
                withheld.remove(first.getKey());
            }
        }
        withheld.values().forEach(list -> counted.addAndGet(list.size()));
        return sent;
    }

    private static <T> List<T> concat(List<T> one, List<T> other) {
        List<T> both = new ArrayList<>(one);
        both.addAll(other);
        return both;
    }
}

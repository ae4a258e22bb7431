package dev.wallet.iam;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.BatchExecuteStatementRequest;

/**
 * Records the IAM action of every DynamoDB request the service sends in tests (quarkus.dynamodb.interceptors in
 * the test profile). A PartiQL batch is authorized per statement: PartiQLInsert, PartiQLUpdate...
 */
public class RecordedActions implements ExecutionInterceptor {

    private static final Set<String> ACTIONS = ConcurrentHashMap.newKeySet();

    /** Every action recorded so far in this JVM, as {@code dynamodb:Operation}. */
    public static Set<String> actions() {
        return Set.copyOf(ACTIONS);
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof BatchExecuteStatementRequest batch) {
            batch.statements().forEach(statement -> ACTIONS.add("dynamodb:PartiQL" + verb(statement.statement())));
        } else {
            ACTIONS.add("dynamodb:" + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
        }
    }

    private static String verb(String statement) {
        String first = statement.trim().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
        return Character.toUpperCase(first.charAt(0)) + first.substring(1);
    }
}

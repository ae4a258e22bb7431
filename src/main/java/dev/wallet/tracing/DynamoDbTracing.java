package dev.wallet.tracing;

import java.io.InputStream;
import java.util.Optional;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.awssdk.v2_2.AwsSdkTelemetry;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ArcContainer;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * A span per DynamoDB request, by OpenTelemetry's AWS SDK instrumentation, a child of the batch span current where
 * the request is made (StoreWorkers carry the context to their threads). quarkus.dynamodb.interceptors names this
 * class and instantiates it itself: it takes the service's OpenTelemetry bean at the first request.
 */
public class DynamoDbTracing implements ExecutionInterceptor {

    // Off: no instrumentation at all on the requests' path.
    private static final ExecutionInterceptor UNTRACED = new ExecutionInterceptor() {
    };

    private volatile ExecutionInterceptor delegate;

    private ExecutionInterceptor delegate() {
        ExecutionInterceptor current = delegate;
        if (current == null) {
            ArcContainer arc = Arc.container();
            if (arc == null || !arc.isRunning()) {
                // A first request while the service stops: ArC and its beans are gone, so it goes untraced.
                return UNTRACED;
            }
            OpenTelemetry openTelemetry = arc.instance(OpenTelemetry.class).get();
            current = TracingSetup.enabled(openTelemetry)
                    ? AwsSdkTelemetry.create(openTelemetry).createExecutionInterceptor()
                    : UNTRACED;
            delegate = current;
        }
        return current;
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        return delegate().modifyRequest(context, attributes);
    }

    @Override
    public void afterMarshalling(Context.AfterMarshalling context, ExecutionAttributes attributes) {
        delegate().afterMarshalling(context, attributes);
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        delegate().beforeTransmission(context, attributes);
    }

    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        return delegate().modifyHttpRequest(context, attributes);
    }

    @Override
    public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
            ExecutionAttributes attributes) {
        return delegate().modifyHttpResponseContent(context, attributes);
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        delegate().afterExecution(context, attributes);
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        delegate().onExecutionFailure(context, attributes);
    }
}

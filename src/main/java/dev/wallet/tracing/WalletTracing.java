package dev.wallet.tracing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;

/**
 * The service's own spans: one per batch (its DynamoDB requests are its children, see {@link DynamoDbTracing}),
 * linked to its input records' traces; and one per output record, a child of its input record's trace context
 * (the W3C {@code traceparent} header), which it passes on in the output's headers: a producer's trace continues
 * downstream. Nothing is done when tracing is off.
 */
@ApplicationScoped
public class WalletTracing {

    /** OpenTelemetry's default limit of links per span. */
    private static final int MAX_LINKS = 128;

    private final boolean enabled;
    private final Tracer tracer;
    private final TextMapPropagator propagator;

    public WalletTracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("wallet-event-service");
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
        this.enabled = TracingSetup.enabled(openTelemetry);
    }

    /** A span for processing these records as one batch; end it once the batch committed. */
    public Span batch(String topic, List<ConsumerRecord<String, byte[]>> sources) {
        if (!enabled) {
            return Span.getInvalid();
        }
        SpanBuilder span = tracer.spanBuilder(topic + " process").setSpanKind(SpanKind.CONSUMER).setNoParent()
                .setAttribute("messaging.system", "kafka").setAttribute("messaging.destination.name", topic)
                .setAttribute("messaging.batch.message_count", sources.size());
        sources.stream().limit(MAX_LINKS).map(this::extract).map(Span::fromContext)
                .filter(parent -> parent.getSpanContext().isValid())
                .forEach(parent -> span.addLink(parent.getSpanContext()));
        return span.startSpan();
    }

    /** Starts and ends the output's publish span, a child of its input record's context, and puts it in its headers. */
    public void publish(ProducerRecord<String, byte[]> output, ConsumerRecord<String, byte[]> source, Span batch) {
        if (!enabled) {
            return;
        }
        Span span = tracer.spanBuilder(output.topic() + " publish").setSpanKind(SpanKind.PRODUCER)
                .setParent(extract(source)).addLink(batch.getSpanContext())
                .setAttribute("messaging.system", "kafka").setAttribute("messaging.destination.name", output.topic())
                .startSpan();
        propagator.inject(Context.root().with(span), output.headers(), HEADERS_SETTER);
        span.end();
    }

    private Context extract(ConsumerRecord<String, byte[]> source) {
        return propagator.extract(Context.root(), source.headers(), HEADERS_GETTER);
    }

    private static final TextMapGetter<Headers> HEADERS_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
            return () -> Arrays.stream(headers.toArray()).map(Header::key).iterator();
        }

        @Override
        public String get(Headers headers, String key) {
            Header header = headers == null ? null : headers.lastHeader(key);
            return header == null || header.value() == null ? null
                    : new String(header.value(), StandardCharsets.UTF_8);
        }
    };

    private static final TextMapSetter<Headers> HEADERS_SETTER = (headers, key, value) -> {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    };
}

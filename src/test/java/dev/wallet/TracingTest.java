package dev.wallet;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.wallet.servers.LocalServersResource;
import dev.wallet.tracing.InMemoryTracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A producer's trace, from its record's traceparent header through the service to the output's headers. */
@QuarkusTest
@QuarkusTestResource(LocalServersResource.class)
class TracingTest extends ServiceTest {

    @Test
    void outputContinuesTheInputsTraceAndTheBatchSpansItsDynamoDbRequests() {
        String user = "traced-" + UUID.randomUUID();
        String traceId = TraceId.fromLongs(System.nanoTime(), 42);
        String producerSpan = SpanId.fromLong(7);
        ProducerRecord<String, byte[]> input = new ProducerRecord<>("wallet-events", user,
                EventJson.of(UUID.randomUUID().toString(), user, "CREDIT", "5")
                        .getBytes(StandardCharsets.UTF_8));
        input.headers().add("traceparent",
                ("00-" + traceId + "-" + producerSpan + "-01").getBytes(StandardCharsets.UTF_8));
        client.send(input);

        await().atMost(Duration.ofSeconds(60)).until(() -> client.balanceRecordsOf(user).size() == 1);
        Header traceparent = client.balanceRecordsOf(user).get(0).headers().lastHeader("traceparent");
        assertThat(traceparent).as("the output's traceparent").isNotNull();
        String[] output = new String(traceparent.value(), StandardCharsets.UTF_8).split("-");
        assertThat(output[1]).as("trace id").isEqualTo(traceId);

        List<SpanData> spans = InMemoryTracing.SPANS.getFinishedSpanItems();
        SpanData publish = spans.stream().filter(span -> span.getSpanId().equals(output[2])).findFirst()
                .orElseThrow(() -> new AssertionError("No span " + output[2] + " among " + spans.size()));
        assertThat(publish.getName()).isEqualTo("wallet-balances publish");
        assertThat(publish.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(publish.getParentSpanId()).as("child of the producer's span").isEqualTo(producerSpan);

        String batchSpan = publish.getLinks().get(0).getSpanContext().getSpanId();
        SpanData batch = await().atMost(Duration.ofSeconds(10)).until(() -> InMemoryTracing.SPANS
                .getFinishedSpanItems().stream().filter(span -> span.getSpanId().equals(batchSpan)).findFirst()
                .orElse(null), found -> found != null);
        assertThat(batch.getName()).isEqualTo("wallet-events process");
        assertThat(batch.getLinks()).extracting(link -> link.getSpanContext().getTraceId()).contains(traceId);
        assertThat(InMemoryTracing.SPANS.getFinishedSpanItems())
                .filteredOn(span -> span.getParentSpanId().equals(batchSpan))
                .extracting(SpanData::getName).as("the batch's DynamoDB requests")
                .anyMatch(name -> name.startsWith("DynamoDb."));
    }
}

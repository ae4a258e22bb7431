package dev.wallet;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import dev.wallet.messaging.Channels;
import dev.wallet.servers.Directories;
import dev.wallet.servers.KafkaBroker;
import dev.wallet.servers.LocalServers;
import dev.wallet.servers.LocalServersResource.Endpoints;
import dev.wallet.servers.ServiceProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged service, with its container image's heap, under a flood of junk: records up to Kafka's size limit in
 * their values or headers, and records of control characters, which JSON writes six times larger. Each is rejected, and the
 * service goes on.
 */
class JunkFloodIT {

    private static final Path WORK = Path.of("target", "junk-flood");
    /** Under the broker's default limit for a record (message.max.bytes, about 1 MB), with room for its headers. */
    private static final int LARGEST = 1_000_000;

    @Test
    void aFloodOfLargeJunkRecordsIsRejectedWithinTheImagesHeapAndEventsAfterItAreApplied() throws Exception {
        Directories.deleteRecursively(WORK);
        String user = "after-the-flood-" + UUID.randomUUID();
        List<ProducerRecord<String, byte[]>> junk = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            junk.add(new ProducerRecord<>(Channels.EVENTS, "junk-" + i, filled(LARGEST, (byte) 'x')));
        }
        for (int i = 0; i < 150; i++) {
            // Headers count towards Kafka's limit as values do.
            ProducerRecord<String, byte[]> headed = new ProducerRecord<>(Channels.EVENTS, "headed-" + i, new byte[0]);
            headed.headers().add("junk", filled(LARGEST - 100_000, (byte) 'h'));
            junk.add(headed);
        }
        for (int i = 0; i < 400; i++) {
            junk.add(new ProducerRecord<>(Channels.EVENTS, "control-" + i, filled(65_536, (byte) 0x01)));
        }
        try (LocalServers servers = LocalServers.start(WORK.resolve("servers"))) {
            servers.kafka().createTopics(KafkaBroker.SERVICE_TOPICS);
            ServiceProcess service = new ServiceProcess("service", servers.kafka().bootstrapServers(),
                    servers.dynamo().endpoint(), List.of(), WORK.resolve("service.log"));
            service.start();
            try (WalletTestClient client = new WalletTestClient(new Endpoints(servers.kafka().bootstrapServers(),
                    servers.dynamo().endpoint(), null, null, null))) {
                client.sendAll(junk);
                client.send(UUID.randomUUID().toString(), user, "CREDIT", "12.50");

                // Other partitions may still be rejecting junk when the event's partition is done with it.
                await("every junk record rejected, and the event after them applied").atMost(Duration.ofMinutes(3))
                        .until(() -> client.rejectionRecords().size() >= junk.size()
                                && client.balancesOf(user).size() == 1);
                client.awaitCaughtUp();
                assertThat(client.rejectionRecords()).hasSize(junk.size());
                assertThat(client.rejectionRecords()).allSatisfy(rejection -> assertThat(
                        rejection.value().getBytes(StandardCharsets.UTF_8).length).isLessThan(100_000));
                assertThat(service.ready()).as("ready after the flood").isTrue();
            } finally {
                service.stop();
            }
        }
    }

    private static byte[] filled(int size, byte value) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, value);
        return bytes;
    }
}

package dev.wallet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.wallet.servers.Directories;
import dev.wallet.servers.KafkaBroker;
import dev.wallet.servers.LocalServers;
import dev.wallet.servers.ServiceProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The packaged service refuses to start with a setting it would fail on later, at its first batch or outcome. */
class StartupChecksIT {

    private static final Path WORK = Path.of("target", "startup-checks");
    private static LocalServers servers;

    @BeforeAll
    static void startServers() {
        Directories.deleteRecursively(WORK);
        servers = LocalServers.start(WORK.resolve("servers"));
        servers.kafka().createTopics(KafkaBroker.SERVICE_TOPICS);
    }

    @AfterAll
    static void stopServers() {
        servers.close();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(textBlock = """
            wallet.consumer.batches-in-flight,     0,      batches-in-flight must be at least 1
            wallet.rejection.max-payload-bytes,    300000, max-payload-bytes must be between 0 and 262144
            """)
    void settingTheServiceCannotWorkWithFailsTheStart(String property, String value, String reason)
            throws IOException {
        Path log = WORK.resolve(property + ".log");
        ServiceProcess service = new ServiceProcess(property, servers.kafka().bootstrapServers(),
                servers.dynamo().endpoint(), List.of("-D" + property + "=" + value), log);
        try {
            assertThatThrownBy(service::start).hasMessageContaining("exited during startup");
        } finally {
            service.stop();
        }
        assertThat(Files.readString(log)).contains(reason);
    }
}

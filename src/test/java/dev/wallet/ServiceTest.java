package dev.wallet;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import dev.wallet.servers.LocalServersResource.Endpoints;
import dev.wallet.servers.LocalServersResource.InjectEndpoints;

/**
 * A test of the running service against real servers (LocalServersResource): their addresses, and a client that
 * sends events and reads the outputs as a read_committed reader.
 */
abstract class ServiceTest {

    @InjectEndpoints
    Endpoints endpoints;

    WalletTestClient client;

    @BeforeEach
    void connect() {
        client = new WalletTestClient(endpoints);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        client.close();
    }
}

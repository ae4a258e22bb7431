package dev.wallet;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

import dev.wallet.servers.LocalServersResource;

/** The same contract against the packaged application, run as its own process. */
@QuarkusIntegrationTest
@QuarkusTestResource(LocalServersResource.class)
class WalletServiceIT extends WalletServiceTest {
}

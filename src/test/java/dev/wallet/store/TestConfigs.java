package dev.wallet.store;

import java.util.Map;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

import dev.wallet.config.WalletConfig;

/** The service's settings without starting Quarkus: defaults plus the given properties. */
public final class TestConfigs {

    private TestConfigs() {
    }

    public static WalletConfig wallet(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withMapping(WalletConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 500)).build()
                .getConfigMapping(WalletConfig.class);
    }
}

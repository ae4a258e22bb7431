package dev.wallet.messaging;

/**
 * The input channel's name, and the output topics' default names (wallet.output.*), shared by the code, the
 * configuration's defaults and the tests. The outputs are published by {@link OutputTransactions}, not through
 * channels.
 */
public final class Channels {

    public static final String EVENTS = "wallet-events";
    public static final String BALANCES = "wallet-balances";
    public static final String REJECTIONS = "wallet-events-rejected";

    private Channels() {
    }
}

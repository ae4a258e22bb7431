package dev.wallet.messaging;

/** Channel names, shared by the code, the configuration and the tests. Each maps to a topic of the same name. */
public final class Channels {

    public static final String EVENTS = "wallet-events";
    public static final String BALANCES = "wallet-balances";
    public static final String REJECTIONS = "wallet-events-rejected";

    private Channels() {
    }
}

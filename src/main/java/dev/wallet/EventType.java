package dev.wallet;

public enum EventType {
    CREDIT,
    DEBIT
}

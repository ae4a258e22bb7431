package dev.wallet.api;

/** A machine-readable error: the HTTP status again, and why. */
public record ApiError(int status, String error) {
}

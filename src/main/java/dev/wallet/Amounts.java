package dev.wallet;

import java.math.BigDecimal;

/** Limits DynamoDB puts on numbers, applied to amounts and balances alike. */
public final class Amounts {

    /** DynamoDB stores numbers with at most 38 significant digits. */
    public static final int MAX_DIGITS = 38;

    private Amounts() {
    }

    /** Digits of the number written in plain notation without trailing fraction zeros ("1e40" has 41). */
    public static int plainDigits(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        // Counted, not expanded: "1e999999999" must not allocate a billion digits.
        return stripped.scale() < 0 ? stripped.precision() - stripped.scale() : stripped.precision();
    }

    /** Fraction digits that carry a value ("12.50" has 1). */
    public static int fractionDigits(BigDecimal value) {
        return Math.max(value.stripTrailingZeros().scale(), 0);
    }

    public static boolean fitsInDynamoDb(BigDecimal value) {
        return plainDigits(value) <= MAX_DIGITS;
    }
}

package dev.wallet;

import java.math.BigDecimal;

/** Limits DynamoDB puts on numbers, applied to amounts and balances alike. */
public final class Amounts {

    /** DynamoDB stores numbers with at most 38 significant digits. */
    public static final int MAX_DIGITS = 38;

    private Amounts() {
    }

    /** Digits of the number written in plain notation without trailing fraction zeros ("1e40" has 41). */
    public static long plainDigits(BigDecimal value) {
        // Counted, not expanded ("1e999999999" must not allocate a billion digits), in long: the exponent of
        // "1e2147483647" is already the int's limit. A negative scale means integer zeros, counted as they are:
        // stripping them could take the scale past that limit.
        BigDecimal stripped = value.scale() > 0 ? value.stripTrailingZeros() : value;
        return stripped.scale() < 0 ? stripped.precision() - (long) stripped.scale() : stripped.precision();
    }

    /** Fraction digits that carry a value ("12.50" has 1). */
    public static int fractionDigits(BigDecimal value) {
        return value.scale() > 0 ? Math.max(value.stripTrailingZeros().scale(), 0) : 0;
    }

    /** The number as DynamoDB gives it back: no trailing fraction zeros (25, not 25.0), no exponent (20, not 2E+1). */
    public static BigDecimal normalized(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    public static boolean fitsInDynamoDb(BigDecimal value) {
        return plainDigits(value) <= MAX_DIGITS;
    }
}

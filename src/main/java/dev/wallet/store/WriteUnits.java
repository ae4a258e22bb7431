package dev.wallet.store;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The write units DynamoDB bills, computed rather than asked for (ReturnConsumedCapacity): DynamoDB Local reports
 * none for PartiQL statements, and asking cost it about a quarter of its time per record written.
 * {@code WalletStoreTest} checks these figures against what DynamoDB Local reports.
 */
final class WriteUnits {

    /** DynamoDB bills a write 1 unit per started KB of the item. */
    private static final int WRITE_UNIT_BYTES = 1024;

    private WriteUnits() {
    }

    /** Moving a wallet from {@code before} to the item {@code after}: an update costs as much as the larger item. */
    static int ofWallet(String userId, Wallet before, Map<String, AttributeValue> after) {
        int afterUnits = of(after);
        return before == Wallet.EMPTY ? afterUnits : Math.max(of(WalletItems.walletItem(userId, before)), afterUnits);
    }

    /** The puts of a BatchWriteItem, by table. */
    static int ofPuts(Map<String, List<WriteRequest>> puts) {
        return puts.values().stream().flatMap(List::stream).mapToInt(put -> of(put.putRequest().item())).sum();
    }

    /** Writing this item: 1 per started KB. */
    static int of(Map<String, AttributeValue> item) {
        // Most items are far below 1 KB: a bound from their lengths spares encoding and parsing them. A UTF-16 char
        // is at most 3 bytes in UTF-8, and a number at most 2 bytes more than its digits (numberSize).
        if (bytes(item, text -> 3 * text.length(), number -> number.length() + 2) <= WRITE_UNIT_BYTES) {
            return 1;
        }
        int bytes = bytes(item, WriteUnits::utf8, number -> numberSize(new BigDecimal(number)));
        return (bytes + WRITE_UNIT_BYTES - 1) / WRITE_UNIT_BYTES;
    }

    private static int bytes(Map<String, AttributeValue> item, ToIntFunction<String> stringBytes,
            ToIntFunction<String> numberBytes) {
        int bytes = 0;
        for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
            AttributeValue value = attribute.getValue();
            bytes += stringBytes.applyAsInt(attribute.getKey()) + switch (value.type()) {
                case S -> stringBytes.applyAsInt(value.s());
                case N -> numberBytes.applyAsInt(value.n());
                default -> throw new IllegalArgumentException("Only strings and numbers are sized: " + value);
            };
        }
        return bytes;
    }

    private static int utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    // As DynamoDB Local sizes a number: its pairs of decimal digits, aligned on the decimal point, from the first
    // significant pair to the last, plus one byte; zero is one byte.
    private static int numberSize(BigDecimal number) {
        if (number.signum() == 0) {
            return 1;
        }
        BigDecimal digits = number.abs().stripTrailingZeros();
        int highest = digits.precision() - digits.scale() - 1;
        int lowest = -digits.scale();
        return Math.floorDiv(highest, 2) - Math.floorDiv(lowest, 2) + 2;
    }
}

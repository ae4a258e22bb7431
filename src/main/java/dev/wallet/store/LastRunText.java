package dev.wallet.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import dev.wallet.Amounts;
import dev.wallet.EventType;
import dev.wallet.RejectionReason;
import dev.wallet.WalletEvent;

/**
 * A wallet's {@code last_run} attribute, one string: the time of the wallet's last write, then one line per event
 * of that write: its type (C or D), amount, outcome (APPLIED or a rejection reason), the balance after it, the
 * version it made (0 when rejected), the input record it came in ({@code @partition:offset}, when known), and its
 * eventId, prefixed by the eventId's length in UTF-16 code units and a colon, e.g.
 * {@code "2026-11-26T13:10:11.123Z\nD 12.5 APPLIED 87.5 7 @3:1042 8:evt-0001"}.
 *
 * <p>
 * One string rather than a map of entries beside an {@code at} attribute: DynamoDB parses, validates and sizes
 * every attribute value of a request, nested ones included (docs/benchmarks.md#what-made-the-difference). The
 * eventId comes last and counted because producers choose it: it may hold spaces, colons or line breaks.
 */
final class LastRunText {

    private LastRunText() {
    }

    /** The most UTF-8 bytes one event's line can take, when amounts have at most {@code maxScale} fraction digits. */
    static int maxLineBytes(int maxScale) {
        // At most 38 significant digits, a point, and the zeros of a small fraction: "0.05".
        int number = Amounts.MAX_DIGITS + maxScale + 2;
        int outcome = Stream.concat(Stream.of(WalletItems.APPLIED),
                Arrays.stream(RejectionReason.values()).map(Enum::name)).mapToInt(String::length).max().orElseThrow();
        // The line break, the type and five spaces, a version of up to 19 digits, the source ('@', a partition of up
        // to 10 digits, ':', an offset of up to 19, a space), the eventId's length in UTF-16 code units (at most
        // 256: 3 digits) and a colon, and the eventId at up to 4 bytes a code point.
        return 7 + 2 * number + outcome + 19 + 32 + 4 + 4 * WalletEvent.MAX_EVENT_ID_LENGTH;
    }

    /** How the wallet's last_run begins: the time of its last write. */
    static String head(Wallet wallet) {
        return wallet.writtenAt().toString();
    }

    static String write(Wallet wallet) {
        StringBuilder text = new StringBuilder(head(wallet));
        wallet.lastRun().forEach((eventId, entry) -> text.append('\n')
                .append(entry.type() == EventType.CREDIT ? 'C' : 'D').append(' ')
                .append(entry.amount().toPlainString()).append(' ')
                .append(entry.outcome()).append(' ')
                .append(entry.balance().toPlainString()).append(' ')
                .append(entry.version()).append(' ')
                .append(entry.source() == null ? "" : "@" + entry.source() + " ")
                .append(eventId.length()).append(':').append(eventId));
        return text.toString();
    }

    static Wallet read(BigDecimal balance, long version, String text) {
        try {
            int line = text.indexOf('\n');
            Instant writtenAt = Instant.parse(line < 0 ? text : text.substring(0, line));
            Map<String, Wallet.RunEntry> run = new HashMap<>();
            while (line >= 0 && line < text.length()) {
                String[] fields = new String[5];
                int start = line + 1;
                for (int i = 0; i < fields.length; i++) {
                    int space = text.indexOf(' ', start);
                    fields[i] = text.substring(start, space);
                    start = space + 1;
                }
                String source = null;
                // None when the event came from no input record (built by the caller, as in tests).
                if (text.charAt(start) == '@') {
                    int space = text.indexOf(' ', start);
                    source = text.substring(start + 1, space);
                    start = space + 1;
                }
                int colon = text.indexOf(':', start);
                int idEnd = colon + 1 + Integer.parseInt(text.substring(start, colon));
                run.put(text.substring(colon + 1, idEnd), new Wallet.RunEntry(
                        fields[0].equals("C") ? EventType.CREDIT : EventType.DEBIT, new BigDecimal(fields[1]),
                        fields[2], new BigDecimal(fields[3]), Long.parseLong(fields[4]), source));
                line = idEnd;
            }
            return new Wallet(balance, version, writtenAt, run);
        } catch (RuntimeException e) {
            // Only this service writes last_run; anything else is an item it must not guess about.
            throw new IllegalStateException("A wallet's last_run is not in the format this version writes", e);
        }
    }
}

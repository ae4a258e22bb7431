package dev.wallet.store;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.wallet.EventType;
import dev.wallet.WalletEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LastRunTextTest {

    private static final Instant AT = Instant.parse("2026-11-26T13:10:11.123456Z");

    @Test
    void runReadsBackAsWrittenWhateverCharactersItsEventIdsHold() {
        Wallet wallet = new Wallet(new BigDecimal("87.5"), 9, AT, Map.of(
                "evt-1", new Wallet.RunEntry(EventType.CREDIT, new BigDecimal("100"), "APPLIED",
                        new BigDecimal("100"), 8, "3:1042"),
                "two words\nand a line: 12 3:x", new Wallet.RunEntry(EventType.DEBIT, new BigDecimal("12.50"),
                        "APPLIED", new BigDecimal("87.5"), 9, null),
                "€ \uD83D\uDCB0", new Wallet.RunEntry(EventType.DEBIT, new BigDecimal("1000"),
                        "INSUFFICIENT_FUNDS", new BigDecimal("87.5"), 0, "0:7")));

        assertThat(LastRunText.read(wallet.balance(), wallet.version(), LastRunText.write(wallet)))
                .isEqualTo(wallet);
    }

    @Test
    void writeWithoutEventsKeepsItsTime() {
        Wallet wallet = new Wallet(BigDecimal.TEN, 3, AT, Map.of());

        assertThat(LastRunText.write(wallet)).isEqualTo("2026-11-26T13:10:11.123456Z");
        assertThat(LastRunText.read(BigDecimal.TEN, 3, LastRunText.write(wallet))).isEqualTo(wallet);
    }

    @Test
    void entryIsOneReadableLine() {
        Wallet wallet = new Wallet(new BigDecimal("87.5"), 7, AT, Map.of("evt-0001",
                new Wallet.RunEntry(EventType.DEBIT, new BigDecimal("12.5"), "APPLIED", new BigDecimal("87.5"), 7,
                        "3:1042")));

        assertThat(LastRunText.write(wallet))
                .isEqualTo("2026-11-26T13:10:11.123456Z\nD 12.5 APPLIED 87.5 7 @3:1042 8:evt-0001");
    }

    @Test
    void linesWrittenBeforeSourcesWereKeptReadWithoutOne() {
        Wallet wallet = LastRunText.read(new BigDecimal("87.5"), 7,
                "2026-11-26T13:10:11.123456Z\nD 12.5 APPLIED 87.5 7 8:evt-0001");

        assertThat(wallet.lastRun()).containsExactly(Map.entry("evt-0001", new Wallet.RunEntry(EventType.DEBIT,
                new BigDecimal("12.5"), "APPLIED", new BigDecimal("87.5"), 7, null)));
    }

    @Test
    void textInAnotherFormatIsRefusedRatherThanGuessed() {
        assertThatThrownBy(() -> LastRunText.read(BigDecimal.ONE, 1, "2026-11-26T13:10:11Z\nD 12.5 APPLIED"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("last_run");
        assertThatThrownBy(() -> LastRunText.read(BigDecimal.ONE, 1, null))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void longestLinesStayWithinTheBoundBatchSizesAreCheckedAgainst() {
        // 128 code points of 4 bytes each, 256 UTF-16 code units.
        String eventId = "\uD83D\uDCB0".repeat(128);
        BigDecimal largest = new BigDecimal("999999999999999999999999999999999999.99");
        BigDecimal smallest = new BigDecimal("1E-30");

        assertThat(lineBytes(eventId, largest, "INSUFFICIENT_FUNDS")).isLessThanOrEqualTo(LastRunText.maxLineBytes(2))
                .isGreaterThan(LastRunText.maxLineBytes(2) - 10);
        assertThat(lineBytes(eventId, smallest, "INSUFFICIENT_FUNDS")).isLessThanOrEqualTo(LastRunText.maxLineBytes(30));
    }

    private static int lineBytes(String eventId, BigDecimal amount, String outcome) {
        Wallet wallet = new Wallet(amount, Long.MAX_VALUE, AT, Map.of(eventId,
                new Wallet.RunEntry(EventType.DEBIT, amount, outcome, amount, Long.MAX_VALUE,
                        WalletEvent.source(Integer.MAX_VALUE, Long.MAX_VALUE))));
        return LastRunText.write(wallet).getBytes(StandardCharsets.UTF_8).length
                - AT.toString().getBytes(StandardCharsets.UTF_8).length;
    }
}

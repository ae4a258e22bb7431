package dev.wallet.faults;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault suite's checker reports what the contract forbids: a suite that finds 0 mismatches means something only
 * if the checker finds them when they are there.
 */
class VerdictTest {

    // alice: a credit of 10, a debit of 20 refused, a credit of 5; at offsets 0, 1, 2 of partition 0.
    private final Expected expected = Expected.replay(List.of(
            input("e1", "CREDIT", "10"), input("e2", "DEBIT", "20"), input("e3", "CREDIT", "5")),
            List.of(new Expected.Position(0, 0), new Expected.Position(0, 1), new Expected.Position(0, 2)));
    private final Map<String, Expected.Wallet> table = Map.of("alice", new Expected.Wallet(new BigDecimal("15"), 2));
    private final Observed observed = new Observed();

    @Test
    void outputsAsTheContractSaysPass() {
        publishedAsTheContractSays();

        Verdict verdict = Verdict.of(expected, observed, table);

        assertThat(verdict.mismatches).isEmpty();
        assertThat(verdict.copies).isZero();
    }

    @Test
    void lateCopyOfAnOlderBalanceIsACopyOutOfOrderAndAWrongLastRecord() {
        publishedAsTheContractSays();
        observed.add(Observed.BALANCES, balance(1, "10", "e1"));

        Verdict verdict = Verdict.of(expected, observed, table);

        assertThat(verdict.copies).isEqualTo(1);
        assertThat(verdict.mismatches).anySatisfy(m -> assertThat(m).startsWith("published 2 times: alice#1"))
                .anySatisfy(m -> assertThat(m).startsWith("out of order: alice's record 3 is version 1"))
                .anySatisfy(m -> assertThat(m).startsWith("last balance record of alice"));
    }

    @Test
    void rejectionPublishedTwiceIsACopy() {
        publishedAsTheContractSays();
        observed.add(Observed.REJECTIONS, rejection(1));

        Verdict verdict = Verdict.of(expected, observed, table);

        assertThat(verdict.copies).isEqualTo(1);
        assertThat(verdict.mismatches).singleElement().asString().contains("published 2 times");
    }

    @Test
    void lostOutputsAreReported() {
        observed.add(Observed.BALANCES, balance(1, "10", "e1"));

        Verdict verdict = Verdict.of(expected, observed, table);

        assertThat(verdict.mismatches).anySatisfy(m -> assertThat(m).startsWith("lost: no balance record for alice#2"))
                .anySatisfy(m -> assertThat(m).startsWith("lost: no rejection for input Position[partition=0, "
                        + "offset=1]"));
    }

    @Test
    void eventAppliedTwiceIsReportedInTheTopicAndTheTable() {
        publishedAsTheContractSays();
        observed.add(Observed.BALANCES, balance(3, "20", "e3"));

        Verdict verdict = Verdict.of(expected, observed,
                Map.of("alice", new Expected.Wallet(new BigDecimal("20"), 3)));

        assertThat(verdict.mismatches).anySatisfy(m -> assertThat(m).startsWith("applied wrongly or twice"))
                .anySatisfy(m -> assertThat(m).startsWith("wallet item of alice"));
    }

    private void publishedAsTheContractSays() {
        observed.add(Observed.BALANCES, balance(1, "10", "e1"));
        observed.add(Observed.REJECTIONS, rejection(1));
        observed.add(Observed.BALANCES, balance(2, "15", "e3"));
    }

    private static EventStream.Input input(String eventId, String type, String amount) {
        return new EventStream.Input("alice", new byte[0], eventId, "alice", type, new BigDecimal(amount));
    }

    private static String balance(long version, String balance, String eventId) {
        return """
                {"userId":"alice","balance":"%s","version":%d,"eventId":"%s"}""".formatted(balance, version, eventId);
    }

    private static String rejection(long offset) {
        return """
                {"userId":"alice","reason":"INSUFFICIENT_FUNDS","source":{"partition":0,"offset":%d}}"""
                .formatted(offset);
    }
}

package dev.wallet.faults;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
        observed.add(Observed.BALANCES, "alice", balance(1, "10", "e1"));

        Verdict verdict = Verdict.of(expected, observed, table);

        assertThat(verdict.copies).isEqualTo(1);
        assertThat(verdict.mismatches).anySatisfy(m -> assertThat(m).startsWith("published 2 times: alice#1"))
                .anySatisfy(m -> assertThat(m).startsWith("out of order: alice's record 3 is version 1"))
                .anySatisfy(m -> assertThat(m).startsWith("last balance record of alice"));
    }

    @Test
    void versionSkippedIsAGapAndALoss() {
        observed.add(Observed.REJECTIONS, "alice", rejection(1));
        observed.add(Observed.BALANCES, "alice", balance(2, "15", "e3"));

        Verdict verdict = Verdict.of(expected, observed, table);

        assertThat(verdict.copies).isZero();
        assertThat(verdict.mismatches)
                .anySatisfy(m -> assertThat(m).startsWith("out of order: alice's record 1 is version 2"))
                .anySatisfy(m -> assertThat(m).startsWith("lost: no balance record for alice#1"));
    }

    @Test
    void balancesInAnotherOrderAreOutOfOrderWithoutACopy() {
        observed.add(Observed.BALANCES, "alice", balance(2, "15", "e3"));
        observed.add(Observed.REJECTIONS, "alice", rejection(1));
        observed.add(Observed.BALANCES, "alice", balance(1, "10", "e1"));

        Verdict verdict = Verdict.of(expected, observed, table);

        assertThat(verdict.copies).isZero();
        assertThat(verdict.mismatches)
                .anySatisfy(m -> assertThat(m).startsWith("out of order: alice's record 1 is version 2"))
                .anySatisfy(m -> assertThat(m).startsWith("last balance record of alice"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "\"type\":\"DEBIT\"", "\"amount\":\"6\"", "\"eventId\":\"e1\"" })
    void balanceRecordWithAnotherFieldIsWrong(String field) {
        observed.add(Observed.BALANCES, "alice", balance(1, "10", "e1"));
        observed.add(Observed.REJECTIONS, "alice", rejection(1));
        observed.add(Observed.BALANCES, "alice", with(balance(2, "15", "e3"), field));

        Verdict verdict = Verdict.of(expected, observed, table);

        assertThat(verdict.mismatches).singleElement().asString().startsWith("wrong balance record for alice#2");
    }

    @ParameterizedTest
    @ValueSource(strings = { "\"reason\":\"EVENT_ID_CONFLICT\"", "\"eventId\":\"e9\"", "\"userId\":\"bob\"",
            "\"topic\":\"elsewhere\"" })
    void rejectionWithAnotherFieldIsWrong(String field) {
        observed.add(Observed.BALANCES, "alice", balance(1, "10", "e1"));
        observed.add(Observed.REJECTIONS, field.contains("bob") ? "bob" : "alice", with(rejection(1), field));
        observed.add(Observed.BALANCES, "alice", balance(2, "15", "e3"));

        Verdict verdict = Verdict.of(expected, observed, table);

        assertThat(verdict.mismatches).singleElement().asString().startsWith("wrong rejection for input");
    }

    @Test
    void rejectionOfAnInputThatIsNotDueIsUnexpected() {
        publishedAsTheContractSays();
        observed.add(Observed.REJECTIONS, "alice", rejection(2));

        Verdict verdict = Verdict.of(expected, observed, table);

        assertThat(verdict.mismatches).singleElement().asString().startsWith("unexpected rejection");
    }

    @Test
    void missingIncompleteOrUnreadableIsReported() {
        publishedAsTheContractSays();
        observed.add(Observed.BALANCES, "alice", "{not json");
        observed.incompleteWallets.add("{user_id=S(alice)}");

        Verdict verdict = Verdict.of(expected, observed, Map.of());

        assertThat(verdict.mismatches).anySatisfy(m -> assertThat(m).startsWith("wallet item of alice is null"))
                .anySatisfy(m -> assertThat(m).startsWith("wallet item incomplete"))
                .anySatisfy(m -> assertThat(m).startsWith("unreadable output wallet-balances: {not json"));
    }

    @Test
    void negativeBalancePublishedOrStoredIsReported() {
        observed.add(Observed.BALANCES, "alice", balance(1, "-10", "e1"));

        Verdict verdict = Verdict.of(expected, observed,
                Map.of("alice", new Expected.Wallet(new BigDecimal("-10"), 1)));

        assertThat(verdict.mismatches).anySatisfy(m -> assertThat(m).startsWith("negative balance published"))
                .anySatisfy(m -> assertThat(m).startsWith("negative balance stored for alice"));
    }

    @Test
    void walletOfAUserWithoutAppliedEventsIsUnexpected() {
        publishedAsTheContractSays();

        Verdict verdict = Verdict.of(expected, observed, Map.of("alice", new Expected.Wallet(new BigDecimal("15"), 2),
                "bob", new Expected.Wallet(BigDecimal.ZERO, 0)));

        assertThat(verdict.mismatches).singleElement().asString().startsWith("unexpected wallet item bob");
    }

    @Test
    void recordKeyedOtherThanByItsUserIdIsWrong() {
        observed.add(Observed.BALANCES, "e1", balance(1, "10", "e1"));
        observed.add(Observed.REJECTIONS, null, rejection(1));
        observed.add(Observed.BALANCES, "alice", balance(2, "15", "e3"));

        Verdict verdict = Verdict.of(expected, observed, table);

        assertThat(verdict.mismatches).hasSize(2)
                .anySatisfy(m -> assertThat(m).startsWith("wrong key: wallet-balances record keyed e1"))
                .anySatisfy(m -> assertThat(m).startsWith("wrong key: wallet-events-rejected record keyed null"));
    }

    @Test
    void rejectionPublishedTwiceIsACopy() {
        publishedAsTheContractSays();
        observed.add(Observed.REJECTIONS, "alice", rejection(1));

        Verdict verdict = Verdict.of(expected, observed, table);

        assertThat(verdict.copies).isEqualTo(1);
        assertThat(verdict.mismatches).singleElement().asString().contains("published 2 times");
    }

    @Test
    void lostOutputsAreReported() {
        observed.add(Observed.BALANCES, "alice", balance(1, "10", "e1"));

        Verdict verdict = Verdict.of(expected, observed, table);

        assertThat(verdict.mismatches).anySatisfy(m -> assertThat(m).startsWith("lost: no balance record for alice#2"))
                .anySatisfy(m -> assertThat(m).startsWith("lost: no rejection for input Position[partition=0, "
                        + "offset=1]"));
    }

    @Test
    void eventAppliedTwiceIsReportedInTheTopicAndTheTable() {
        publishedAsTheContractSays();
        observed.add(Observed.BALANCES, "alice", balance(3, "20", "e3"));

        Verdict verdict = Verdict.of(expected, observed,
                Map.of("alice", new Expected.Wallet(new BigDecimal("20"), 3)));

        assertThat(verdict.mismatches).anySatisfy(m -> assertThat(m).startsWith("applied wrongly or twice"))
                .anySatisfy(m -> assertThat(m).startsWith("wallet item of alice"));
    }

    private void publishedAsTheContractSays() {
        observed.add(Observed.BALANCES, "alice", balance(1, "10", "e1"));
        observed.add(Observed.REJECTIONS, "alice", rejection(1));
        observed.add(Observed.BALANCES, "alice", balance(2, "15", "e3"));
    }

    private static EventStream.Input input(String eventId, String type, String amount) {
        return new EventStream.Input("alice", new byte[0], eventId, "alice", type, new BigDecimal(amount));
    }

    /** A credit's balance record: e3 credits 5, any other eventId 10. */
    private static String balance(long version, String balance, String eventId) {
        return """
                {"userId":"alice","balance":"%s","version":%d,"eventId":"%s","type":"CREDIT","amount":"%s"}"""
                .formatted(balance, version, eventId, eventId.equals("e3") ? "5" : "10");
    }

    /** The record with {@code field} ({@code "name":"value"}) in place of its own of that name. */
    private static String with(String record, String field) {
        String name = field.substring(0, field.indexOf(':'));
        return record.replaceFirst(name + ":\"[^\"]*\"", field);
    }

    /** e2's rejection, for the input at this offset. */
    private static String rejection(long offset) {
        return """
                {"userId":"alice","eventId":"e2","reason":"INSUFFICIENT_FUNDS",\
                "source":{"topic":"wallet-events","partition":0,"offset":%d}}""".formatted(offset);
    }
}

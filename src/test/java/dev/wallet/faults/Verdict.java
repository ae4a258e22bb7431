package dev.wallet.faults;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** The checker's comparison of what the contract expects with what Kafka and DynamoDB hold. */
final class Verdict {

    final List<String> mismatches = new ArrayList<>();
    /** Output records read more than once: the contract allows none. */
    int copies;

    static Verdict of(Expected expected, Observed observed, Map<String, Expected.Wallet> table) {
        Verdict verdict = new Verdict();
        verdict.checkBalances(expected, observed, table);
        verdict.checkRejections(expected, observed);
        verdict.checkTable(expected, table);
        observed.unreadableRecords().forEach(r -> verdict.mismatches.add("unreadable output " + r));
        observed.wrongKeys.forEach(r -> verdict.mismatches.add("wrong key: " + r));
        observed.incompleteWallets.forEach(item -> verdict.mismatches.add("wallet item incomplete: " + item));
        return verdict;
    }

    private void checkBalances(Expected expected, Observed observed, Map<String, Expected.Wallet> table) {
        expected.balances.forEach((key, want) -> {
            List<JsonNode> seen = observed.balances.get(key);
            if (seen == null) {
                mismatches.add("lost: no balance record for " + key);
                return;
            }
            if (seen.size() > 1) {
                copies += seen.size() - 1;
                mismatches.add("published " + seen.size() + " times: " + key);
            }
            if (!matches(want, seen.get(0))) {
                mismatches.add("wrong balance record for " + key + ": " + seen.get(0) + ", expected " + want);
            }
        });
        observed.balances.forEach((key, seen) -> {
            if (!expected.balances.containsKey(key)) {
                mismatches.add("applied wrongly or twice: " + seen.get(0));
            }
            seen.stream().filter(r -> new BigDecimal(r.path("balance").asText()).signum() < 0)
                    .forEach(r -> mismatches.add("negative balance published: " + r));
        });
        // A reader that keeps the last record of each key (a compacted topic, a KTable) must get the balance:
        // each user's records in version order 1, 2, 3..., no gap, no repeat, the last one the wallet's.
        observed.versions.forEach((user, versions) -> {
            for (int i = 0; i < versions.size(); i++) {
                if (versions.get(i) != i + 1) {
                    mismatches.add("out of order: " + user + "'s record " + (i + 1) + " is version " + versions.get(i));
                    break;
                }
            }
            Expected.Wallet wallet = table.get(user);
            JsonNode last = observed.lastBalance.get(user);
            if (wallet == null || last.path("version").asLong() != wallet.version()
                    || new BigDecimal(last.path("balance").asText()).compareTo(wallet.balance()) != 0) {
                mismatches.add("last balance record of " + user + " is " + last + ", the wallet " + wallet);
            }
        });
    }

    private static boolean matches(Expected.Balance want, JsonNode record) {
        return record.path("version").asLong() == want.version()
                // As the contract writes numbers: plain, without trailing zeros.
                && record.path("balance").asText().equals(want.balance().stripTrailingZeros().toPlainString())
                && record.path("eventId").asText().equals(want.eventId())
                && record.path("type").asText().equals(want.type())
                && record.path("amount").asText().equals(want.amount().stripTrailingZeros().toPlainString());
    }

    private void checkRejections(Expected expected, Observed observed) {
        expected.rejections.forEach((position, want) -> {
            List<JsonNode> seen = observed.rejections.get(position);
            if (seen == null) {
                mismatches.add("lost: no rejection for input " + position + ", expected " + want);
                return;
            }
            if (seen.size() > 1) {
                copies += seen.size() - 1;
                mismatches.add("rejection of input " + position + " published " + seen.size() + " times");
            }
            seen.stream().filter(r -> !matches(want, r)).forEach(r -> mismatches.add(
                    "wrong rejection for input " + position + ": " + r + ", expected " + want));
        });
        observed.rejections.forEach((position, seen) -> {
            if (!expected.rejections.containsKey(position)) {
                mismatches.add("unexpected rejection: " + seen.get(0));
            }
        });
    }

    private static boolean matches(Expected.Rejection want, JsonNode record) {
        return record.path("reason").asText().equals(want.reason())
                && record.path("source").path("topic").asText().equals("wallet-events")
                // An invalid record's ids are whatever the parser could read of it: not checked.
                && (want.eventId() == null || want.eventId().equals(record.path("eventId").textValue()))
                && (want.userId() == null || want.userId().equals(record.path("userId").textValue()));
    }

    private void checkTable(Expected expected, Map<String, Expected.Wallet> table) {
        expected.wallets.forEach((user, want) -> {
            Expected.Wallet item = table.get(user);
            if (item == null || item.version() != want.version() || item.balance().compareTo(want.balance()) != 0) {
                mismatches.add("wallet item of " + user + " is " + item + ", expected " + want);
            }
        });
        table.forEach((user, item) -> {
            if (!expected.wallets.containsKey(user)) {
                mismatches.add("unexpected wallet item " + user + ": " + item);
            }
            if (item.balance().signum() < 0) {
                mismatches.add("negative balance stored for " + user + ": " + item);
            }
        });
    }
}

package dev.wallet.faults;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** The checker's comparison of what the contract expects with what Kafka and DynamoDB hold. */
final class Verdict {

    final List<String> mismatches = new ArrayList<>();
    int republished;
    /** Users whose last balance record is a copy of an older one, published late. */
    int staleLast;

    /**
     * @param lastIsLatest whether each user's last balance record must be its latest: true unless an instance
     *        resumed after its partitions moved on (a zombie), which may publish copies of older records late; the
     *        contract's current balance is the highest version either way
     */
    static Verdict of(Expected expected, Observed observed, Map<String, Expected.Wallet> table, boolean lastIsLatest) {
        Verdict verdict = new Verdict();
        verdict.checkBalances(expected, observed, lastIsLatest);
        verdict.checkRejections(expected, observed);
        verdict.checkTable(expected, table);
        observed.unreadableRecords().forEach(r -> verdict.mismatches.add("unreadable output " + r));
        return verdict;
    }

    private void checkBalances(Expected expected, Observed observed, boolean lastIsLatest) {
        expected.balances.forEach((key, want) -> {
            List<JsonNode> seen = observed.balances.get(key);
            if (seen == null) {
                mismatches.add("lost: no balance record for " + key);
                return;
            }
            republished += seen.size() - 1;
            for (JsonNode record : seen) {
                if (!matches(want, record)) {
                    mismatches.add("wrong balance record for " + key + ": " + record + ", expected " + want);
                } else if (!record.equals(seen.get(0))) {
                    mismatches.add("a copy of " + key + " differs from the first: " + record + ", first "
                            + seen.get(0));
                }
            }
        });
        observed.balances.forEach((key, seen) -> {
            if (!expected.balances.containsKey(key)) {
                mismatches.add("applied wrongly or twice: " + seen.get(0));
            }
            seen.stream().filter(r -> new BigDecimal(r.path("balance").asText()).signum() < 0)
                    .forEach(r -> mismatches.add("negative balance published: " + r));
        });
        // With no record lost, wrong or unexpected, each user's highest version is its final balance, as readers
        // who go by version need.
        observed.firstVersions.forEach((user, versions) -> {
            for (int i = 1; i < versions.size(); i++) {
                if (versions.get(i) <= versions.get(i - 1)) {
                    mismatches.add("out of order: version " + versions.get(i) + " of " + user
                            + " first published after version " + versions.get(i - 1));
                }
            }
        });
        // In input order, a re-sent duplicate publishes its first outcome again: the last record may be an old one.
        expected.lastBalance.forEach((user, want) -> {
            JsonNode last = observed.lastBalance.get(user);
            if (last == null || !matches(want, last)) {
                if (lastIsLatest) {
                    mismatches.add("last balance record of " + user + " is " + last + ", expected " + want);
                } else {
                    staleLast++;
                }
            }
        });
    }

    private static boolean matches(Expected.Balance want, JsonNode record) {
        return record.path("version").asLong() == want.version()
                // As the contract writes numbers: plain, without trailing zeros.
                && record.path("balance").asText().equals(want.balance().stripTrailingZeros().toPlainString())
                && record.path("eventId").asText().equals(want.eventId());
    }

    private void checkRejections(Expected expected, Observed observed) {
        expected.rejections.forEach((position, reason) -> {
            List<JsonNode> seen = observed.rejections.get(position);
            if (seen == null) {
                mismatches.add("lost: no rejection for input " + position + ", expected " + reason);
                return;
            }
            seen.stream().filter(r -> !r.path("reason").asText().equals(reason)).forEach(r -> mismatches.add(
                    "wrong rejection for input " + position + ": " + r + ", expected " + reason));
            // A redelivery repeats its first rejection exactly: the same detail and balance.
            seen.stream().filter(r -> !r.equals(seen.get(0))).forEach(r -> mismatches.add(
                    "a copy of the rejection of input " + position + " differs from the first: " + r + ", first "
                            + seen.get(0)));
        });
        observed.rejections.forEach((position, seen) -> {
            if (!expected.rejections.containsKey(position)) {
                mismatches.add("unexpected rejection: " + seen.get(0));
            }
        });
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

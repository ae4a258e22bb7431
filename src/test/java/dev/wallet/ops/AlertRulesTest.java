package dev.wallet.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.wallet.servers.Commands;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alerting rules of docs/operations.md, checked and unit-tested by promtool, as an operator would run it. Installs
 * Debian's {@code prometheus} package (which holds promtool) when promtool is missing; a machine where that does not
 * work fails loudly.
 */
class AlertRulesTest {

    private static final String RULES = "docs/alerts/wallet-alerts.yml";
    private static final String RULE_TESTS = "docs/alerts/wallet-alerts.test.yml";

    @BeforeAll
    static void promtoolIsInstalled() {
        boolean missing = !Commands.onPath("promtool");
        Commands.installIfMissing(List.of("promtool"), List.of("prometheus"), false);
        if (missing) {
            stopPackagedServer();
        }
    }

    @Test
    void rulesFileIsValid() {
        Commands.Result check = exec(List.of("promtool", "check", "rules", RULES));
        assertThat(check.exitCode()).as("%s", check.output()).isZero();
    }

    @Test
    void everyAlertFiresOnItsConditionAndStaysQuietWithout() {
        Commands.Result test = exec(List.of("promtool", "test", "rules", RULE_TESTS));
        assertThat(test.exitCode()).as("%s", test.output()).isZero();
    }

    // Only promtool is wanted: the package starts its server where the init system lets it (not in most containers).
    private static void stopPackagedServer() {
        if (Files.isDirectory(Path.of("/run/systemd/system"))) {
            exec(List.of("systemctl", "disable", "--now", "prometheus"));
        } else if (Files.isExecutable(Path.of("/etc/init.d/prometheus"))) {
            exec(List.of("/etc/init.d/prometheus", "stop"));
        }
    }

    private static Commands.Result exec(List<String> command) {
        return Commands.run(command, Map.of(), Duration.ofMinutes(1));
    }
}

package dev.wallet.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alerting rules of docs/operations.md, checked and unit-tested by promtool, as an operator would run it. Installs
 * Debian's {@code prometheus} package (which holds promtool) when promtool is missing; a machine where that does not
 * work fails loudly.
 */
class AlertRulesTest {

    private static final String RULES = "docs/alerts/wallet-alerts.yml";
    private static final String RULE_TESTS = "docs/alerts/wallet-alerts.test.yml";
    private static final Path PROJECT = Path.of(System.getProperty("user.dir"));

    @BeforeAll
    static void promtoolIsInstalled() {
        if (onPath("promtool")) {
            return;
        }
        assertThat(System.getProperty("user.name")).as("promtool is missing: run the tests as root, or install"
                + " Debian's prometheus package first").isEqualTo("root");
        List<String> install = List.of("apt-get", "install", "-y", "-q", "--no-install-recommends", "prometheus");
        if (exec(install, Duration.ofMinutes(10)).exitCode() != 0) {
            Result update = exec(List.of("apt-get", "update", "-q"), Duration.ofMinutes(5));
            Result again = exec(install, Duration.ofMinutes(10));
            assertThat(again.exitCode()).as("Could not install prometheus for promtool: %s%n%s", update.output(),
                    again.output()).isZero();
        }
        stopPackagedServer();
        assertThat(onPath("promtool")).as("promtool not on PATH after installing prometheus").isTrue();
    }

    @Test
    void rulesFileIsValid() {
        Result check = exec(List.of("promtool", "check", "rules", RULES), Duration.ofMinutes(1));
        assertThat(check.exitCode()).as("%s", check.output()).isZero();
    }

    @Test
    void everyAlertFiresOnItsConditionAndStaysQuietWithout() {
        Result test = exec(List.of("promtool", "test", "rules", RULE_TESTS), Duration.ofMinutes(1));
        assertThat(test.exitCode()).as("%s", test.output()).isZero();
    }

    // Only promtool is wanted: the package starts its server where the init system lets it (not in most containers).
    private static void stopPackagedServer() {
        if (Files.isDirectory(Path.of("/run/systemd/system"))) {
            exec(List.of("systemctl", "disable", "--now", "prometheus"), Duration.ofMinutes(1));
        } else if (Files.isExecutable(Path.of("/etc/init.d/prometheus"))) {
            exec(List.of("/etc/init.d/prometheus", "stop"), Duration.ofMinutes(1));
        }
    }

    private record Result(int exitCode, String output) {
    }

    private static Result exec(List<String> command, Duration timeout) {
        try {
            Path output = Files.createTempFile("promtool", ".log");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).directory(PROJECT.toFile())
                        .redirectErrorStream(true).redirectOutput(output.toFile());
                builder.environment().putAll(Map.of("DEBIAN_FRONTEND", "noninteractive"));
                Process process = builder.start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " took over " + timeout);
                }
                String text = String.join(" ", command) + "\n" + Files.readString(output);
                return new Result(process.exitValue(), text.length() > 8000 ? text.substring(text.length() - 8000)
                        : text);
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }
}

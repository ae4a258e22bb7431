package dev.wallet.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Programs the tests run on the machine (podman, promtool, apt-get), and the Debian packages they come in. */
public final class Commands {

    private static final int KEPT_OUTPUT = 8000;

    private Commands() {
    }

    /** An exit code, and the command line with the end of its output (stdout and stderr). */
    public record Result(int exitCode, String output) {
    }

    public static Result run(List<String> command, Map<String, String> env, Duration timeout) {
        try {
            Path output = Files.createTempFile("command", ".log");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(output.toFile());
                builder.environment().putAll(env);
                Process process = builder.start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " took over " + timeout);
                }
                String text = String.join(" ", command) + "\n" + Files.readString(output);
                return new Result(process.exitValue(),
                        text.length() > KEPT_OUTPUT ? text.substring(text.length() - KEPT_OUTPUT) : text);
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

    public static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    /**
     * Installs Debian packages unless every program is on the PATH already: as root, with apt-get, updating its
     * lists once if the first try fails, without the packages they only recommend unless {@code recommended}.
     * Throws with apt's output when that does not work.
     */
    public static void installIfMissing(List<String> programs, List<String> packages, boolean recommended) {
        if (programs.stream().allMatch(Commands::onPath)) {
            return;
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException(programs + " missing: run the tests as root, or install " + packages);
        }
        List<String> install = Stream.of(List.of("apt-get", "install", "-y", "-q"),
                recommended ? List.<String> of() : List.of("--no-install-recommends"), packages)
                .flatMap(List::stream).toList();
        Map<String, String> quiet = Map.of("DEBIAN_FRONTEND", "noninteractive");
        if (run(install, quiet, Duration.ofMinutes(10)).exitCode() != 0) {
            Result update = run(List.of("apt-get", "update", "-q"), quiet, Duration.ofMinutes(5));
            Result again = run(install, quiet, Duration.ofMinutes(10));
            if (again.exitCode() != 0) {
                throw new IllegalStateException("Could not install " + packages + ":\n" + update.output() + "\n"
                        + again.output());
            }
        }
    }
}

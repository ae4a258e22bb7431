package dev.wallet.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Podman as root with host networking, as this project's machines can run containers: no Docker engine and no
 * image registry, so the JRE base image is made here with debootstrap from the machine's own Debian mirror, and
 * its root file system cached under {@code ~/.cache}. Installs podman, runc, debootstrap and docker-compose (for its
 * offline check of compose files) when missing. A machine where none of this works fails loudly.
 */
public final class Podman {

    /** The locally made base image, a minimal Debian with the distribution's default JRE (17 on bookworm). */
    public static final String BASE_IMAGE = "localhost/wallet-event-service-base:jre";
    private static final Path CACHE = Path.of(System.getProperty("user.home"), ".cache", "wallet-event-service");

    private final Path work;
    private final Map<String, String> environment;

    private Podman(Path work) {
        this.work = work;
        // The sandbox refuses to raise rlimits, which podman's default ulimits do on every run; and its cgroups are
        // in hybrid mode, which crun, podman's default runtime on Debian, refuses.
        Path config = work.resolve("containers.conf");
        write(config, "[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = \"runc\"\n");
        this.environment = Map.of("CONTAINERS_CONF", config.toAbsolutePath().toString());
    }

    /** Podman, installed if need be, with the base image in its store; files under {@code work}. */
    public static Podman withBaseImage(Path work) {
        installIfMissing();
        Podman podman = new Podman(work);
        if (podman.run("image", "exists", BASE_IMAGE).exitCode() != 0) {
            Path rootfs = podman.baseRootFileSystem();
            podman.check("import", rootfs.toString(), BASE_IMAGE);
        }
        return podman;
    }

    /** Builds {@code dockerfile} in this directory on the base image; returns the image's tag. */
    public String build(String dockerfile, String tag) {
        check("build", "--build-arg", "BASE_IMAGE=" + BASE_IMAGE, "-f", dockerfile, "-t", tag, ".");
        return tag;
    }

    /** {@code podman run} in the foreground of a child process, on the host's network, its output in {@code log}. */
    public Process start(String name, String image, Map<String, String> env, Path log) {
        List<String> command = new ArrayList<>(List.of("podman", "run", "--rm", "--name", name, "--network", "host"));
        env.forEach((key, value) -> command.addAll(List.of("-e", key + "=" + value)));
        command.add(image);
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends the container's main process a signal, as {@code docker stop} sends SIGTERM. */
    public void signal(String name, String signal) {
        check("kill", "--signal", signal, name);
    }

    /** Removes the container whatever its state; nothing when there is none. */
    public void remove(String name) {
        run("rm", "--force", "--ignore", name);
    }

    /** Checks a compose file offline with docker-compose: its syntax and every key. */
    public static void validateCompose(Path file) {
        Commands.Result result = Commands.run(List.of("docker-compose", "-f", file.toString(), "config", "-q"), Map.of(),
                Duration.ofMinutes(1));
        if (result.exitCode() != 0) {
            throw new IllegalStateException(file + " is not a valid compose file: " + result.output());
        }
    }

    // debootstrap takes about two minutes and 480 MB: once per machine, then the cached tarball is imported.
    private Path baseRootFileSystem() {
        String codename = osRelease("VERSION_CODENAME");
        Path tarball = CACHE.resolve("base-rootfs-" + codename + ".tar");
        if (Files.exists(tarball)) {
            return tarball;
        }
        Path rootfs = work.resolve("rootfs");
        Directories.deleteRecursively(rootfs);
        runOrFail(List.of("debootstrap", "--variant=minbase", "--include=default-jre-headless", codename,
                rootfs.toString(), mirror(codename)), Duration.ofMinutes(15));
        try {
            Files.createDirectories(CACHE);
            Path partial = CACHE.resolve(tarball.getFileName() + ".partial");
            runOrFail(List.of("tar", "-C", rootfs.toString(), "-cf", partial.toString(), "."), Duration.ofMinutes(5));
            Files.move(partial, tarball);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            Directories.deleteRecursively(rootfs);
        }
        return tarball;
    }

    private static void installIfMissing() {
        Commands.installIfMissing(List.of("podman", "runc", "debootstrap", "docker-compose"),
                List.of("podman", "runc", "debootstrap", "docker-compose"), true);
    }

    /** The machine's own Debian mirror for this release, from its apt sources (never a name written here). */
    private static String mirror(String codename) {
        try (Stream<Path> files = Stream.concat(Stream.of(Path.of("/etc/apt/sources.list")),
                Files.exists(Path.of("/etc/apt/sources.list.d")) ? Files.list(Path.of("/etc/apt/sources.list.d"))
                        : Stream.empty())) {
            return files.filter(Files::isRegularFile).map(Podman::read).flatMap(text -> mirrorIn(text, codename))
                    .findFirst().orElseThrow(() -> new IllegalStateException(
                            "No Debian mirror for " + codename + " in /etc/apt: cannot make the base image"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // Both formats: one-line "deb URI SUITE ..." and deb822 stanzas with "URIs:" and "Suites:".
    private static Stream<String> mirrorIn(String sources, String codename) {
        List<String> found = new ArrayList<>();
        for (String stanza : sources.split("\n\\s*\n")) {
            Optional<String> uri = field(stanza, "URIs:");
            Optional<String> suites = field(stanza, "Suites:");
            if (uri.isPresent() && suites.isPresent() && List.of(suites.get().split("\\s+")).contains(codename)) {
                found.add(uri.get().split("\\s+")[0]);
            }
            stanza.lines().map(String::trim).filter(line -> line.startsWith("deb "))
                    .map(line -> line.replaceAll("\\[[^]]*]\\s*", "").split("\\s+"))
                    .filter(words -> words.length > 2 && words[2].equals(codename))
                    .forEach(words -> found.add(words[1]));
        }
        return found.stream();
    }

    private static Optional<String> field(String stanza, String name) {
        return stanza.lines().map(String::trim).filter(line -> line.startsWith(name))
                .map(line -> line.substring(name.length()).trim()).findFirst();
    }

    private static String osRelease(String key) {
        return read(Path.of("/etc/os-release")).lines().filter(line -> line.startsWith(key + "="))
                .map(line -> line.substring(key.length() + 1).replace("\"", "")).findFirst()
                .orElseThrow(() -> new IllegalStateException("No " + key + " in /etc/os-release"));
    }

    private void check(String... arguments) {
        Commands.Result result = run(arguments);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("podman " + String.join(" ", arguments) + " failed: " + result.output());
        }
    }

    private Commands.Result run(String... arguments) {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(arguments));
        return Commands.run(command, environment, Duration.ofMinutes(10));
    }

    private static void runOrFail(List<String> command, Duration timeout) {
        Commands.Result result = Commands.run(command, Map.of(), timeout);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + result.output());
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

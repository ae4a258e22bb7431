package dev.wallet.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** A server started as a child JVM, its output in a log file; stopped with SIGTERM, or killed for fault tests. */
final class ServerProcess {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Set<Integer> GIVEN_PORTS = new HashSet<>();

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path log;
    private final Path directory;
    private Process process;

    ServerProcess(String name, Path jars, List<String> jvmOptions, String mainClass, List<String> arguments,
            Path log) {
        this(name, java(jvmOptions, List.of("-cp", jars.resolve("*").toString(), mainClass), arguments), Map.of(),
                Path.of(""), log);
    }

    /** {@code command} run in {@code directory}, relative to this process's own. */
    ServerProcess(String name, List<String> command, Map<String, String> environment, Path directory, Path log) {
        this.name = name;
        this.command = command;
        this.environment = environment;
        this.directory = directory;
        this.log = log;
    }

    static List<String> java(List<String> jvmOptions, List<String> main, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(main);
        command.addAll(arguments);
        return command;
    }

    /** Runs a short-lived command with these jars (a storage formatter, say) and fails unless it succeeds. */
    static void runToCompletion(Path jars, String mainClass, List<String> arguments, Path log) {
        ServerProcess tool = new ServerProcess(mainClass, jars, List.of("-Xmx128m"), mainClass, arguments, log);
        tool.start();
        try {
            if (!tool.process.waitFor(2, TimeUnit.MINUTES) || tool.process.exitValue() != 0) {
                throw new IllegalStateException(mainClass + " failed, see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    void start() {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toAbsolutePath().toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name, e);
        }
    }

    /** Waits until the server accepts connections on the port (and, when given, has logged the line). */
    void awaitReady(int port, String logLine) {
        await(name + " ready, log " + log).atMost(STARTUP_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(name + " exited with " + process.exitValue() + ", see " + log);
                    }
                    return accepts(port) && (logLine == null || Files.readString(log).contains(logLine));
                });
    }

    /** The most resident memory the process has used so far (Linux VmHWM), in bytes. */
    long peakResidentBytes() {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
                    .filter(line -> line.startsWith("VmHWM:"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024).findFirst()
                    .orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CPU time the process has taken so far, all its threads together. */
    Duration cpuTime() {
        return process.toHandle().info().totalCpuDuration().orElseThrow();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Waits for the process to end by itself, for at most {@code timeout}. */
    boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGTERM only, without waiting. */
    void terminate() {
        process.destroy();
    }

    /** Graceful stop: SIGTERM, then a kill if it does not end in time. */
    void stop() {
        if (process != null && process.isAlive()) {
            // A paused process would only take SIGTERM once resumed.
            resume();
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
            }
        }
    }

    /** SIGSTOP: every thread freezes, as in a long collection pause or a suspended VM. */
    void pause() {
        signal("STOP");
    }

    /** SIGCONT: it goes on where it stopped, unaware of the time that passed. */
    void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            int exit = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start()
                    .waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill -" + name + " exited with " + exit);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL, as a crash would. */
    void kill() {
        if (process != null) {
            process.destroyForcibly();
            process.onExit().join();
        }
    }

    /**
     * A free loopback port, never one this JVM handed out before: the system may give the same free port to two
     * calls in a row (a broker's listener and controller once got the same one, and it refused to start).
     */
    static synchronized int freePort() {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                if (GIVEN_PORTS.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

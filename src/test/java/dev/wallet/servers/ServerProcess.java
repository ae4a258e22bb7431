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
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** A server started as a child JVM, its output in a log file; stopped with SIGTERM, or killed for fault tests. */
final class ServerProcess {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private final String name;
    private final List<String> command;
    private final Path log;
    private Process process;

    ServerProcess(String name, Path jars, List<String> jvmOptions, String mainClass, List<String> arguments,
            Path log) {
        this.name = name;
        this.log = log;
        this.command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(jars.resolve("*").toString());
        command.add(mainClass);
        command.addAll(arguments);
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
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
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

    /** Graceful stop: SIGTERM, then a kill if it does not end in time. */
    void stop() {
        if (process != null && process.isAlive()) {
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

    /** SIGKILL, as a crash would. */
    void kill() {
        if (process != null) {
            process.destroyForcibly();
            process.onExit().join();
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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

package dev.wallet.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Every benchmark run as one JSON line appended to a committed file: the history is data, not prose. */
final class RunHistory {

    private RunHistory() {
    }

    /** One line: when, on which commit and machine, with what settings, and each workload's figures. */
    static void append(Path file, Map<String, Object> setup, List<Result> results) throws IOException {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("at", Instant.now().toString());
        line.put("commit", commit());
        line.putAll(setup);
        line.put("workloads", results.stream().map(Result::figures).toList());
        Files.writeString(file, new ObjectMapper().writeValueAsString(line) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** The commit measured, marked modified when its code had uncommitted changes (docs do not count). */
    private static String commit() {
        String head = git("rev-parse", "--short", "HEAD");
        return git("status", "--porcelain", "--", "src", "pom.xml", "servers").isEmpty() ? head : head + "-modified";
    }

    private static String git(String... arguments) {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(arguments));
        try {
            Process git = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return git.waitFor() == 0 ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}

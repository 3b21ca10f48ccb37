package io.ketang.localstack;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A server process of the local stack, started by us and remembered in a pid file so that
 * a copy left behind by a crashed run (kill -9, power loss) is found and stopped before a new
 * one is started on the same ports and data.
 */
final class ChildProcess {

    private static final Logger LOG = Logger.getLogger(ChildProcess.class.getName());

    private final String name;
    private final Path pidFile;
    private final String commandMarker;
    private Process process;

    /**
     * @param commandMarker a string that the command line of our own process contains; a pid
     *                      that was reused by an unrelated process is left alone
     */
    ChildProcess(String name, Path pidFile, String commandMarker) {
        this.name = name;
        this.pidFile = pidFile;
        this.commandMarker = commandMarker;
    }

    /** Stops a process of ours that an earlier, crashed run left behind. */
    void stopStale() {
        stopStale(pidFile, commandMarker, name);
    }

    static void stopStale(Path pidFile, String commandMarker, String name) {
        readPid(pidFile).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive).ifPresent(stale -> {
            String command = stale.info().commandLine().orElse(stale.info().command().orElse(""));
            if (!command.contains(commandMarker)) {
                return;
            }
            LOG.warning(() -> "Stopping a stale " + name + " (pid " + stale.pid() + ") left by an earlier run");
            terminate(stale, Duration.ofSeconds(15));
        });
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove " + pidFile, e);
        }
    }

    void start(List<String> command, Path logFile, boolean keepStdinOpen) throws IOException {
        Files.createDirectories(logFile.getParent());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        if (!keepStdinOpen) {
            builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        }
        process = builder.start();
        Files.writeString(pidFile, Long.toString(process.pid()), StandardCharsets.US_ASCII);
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** The child's stdin; a child that watches it stops itself when we die and the pipe closes. */
    OutputStream stdin() {
        return process.getOutputStream();
    }

    void stop(Duration grace) {
        if (process == null) {
            return;
        }
        terminate(process.toHandle(), grace);
        process = null;
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            LOG.warning(() -> "cannot remove " + pidFile + ": " + e);
        }
    }

    /** SIGKILL, as a crash: the process gets no chance to hand anything over. */
    void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // the kernel reaps it
        }
        process = null;
    }

    /** SIGTERM, then SIGKILL if the process has not gone within {@code grace}. */
    static void terminate(ProcessHandle handle, Duration grace) {
        handle.destroy();
        try {
            handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception timeoutOrInterrupt) {
            handle.destroyForcibly();
            try {
                handle.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // the kernel reaps it; nothing more we can do
            }
        }
    }

    static Optional<Long> readPid(Path pidFile) {
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            // the first line holds the pid (postgres' postmaster.pid has more lines after it)
            String firstLine = Files.readString(pidFile, StandardCharsets.US_ASCII).lines().findFirst().orElse("");
            return Optional.of(Long.parseLong(firstLine.trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}

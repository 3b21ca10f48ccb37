package io.ketang.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ketang.localstack.DevServerConfig;

import org.awaitility.Awaitility;

/**
 * A second Ketang node for tests across nodes: its own Liberty server ({@code ketangIT2}, created by
 * the build next to the Arquillian one) with the same WAR, the same local stack and the same token
 * keys, on its own port. Tests start it, use it, and stop it (gracefully or with SIGKILL).
 */
public final class SecondNode implements AutoCloseable {

    private final Path wlp = Path.of("target", "liberty", "wlp").toAbsolutePath();
    private final String name = System.getProperty("ketang.it2.server", "ketangIT2");
    private final int port = Integer.getInteger("ketang.it2.http.port", 9082);
    private final Path serverDir = wlp.resolve("usr/servers").resolve(name);
    /** Settings (environment variables) this node has unlike the first. */
    private final java.util.Map<String, String> settings;

    private SecondNode(java.util.Map<String, String> settings) {
        this.settings = settings;
    }

    /** Starts the node afresh (no snapshot of an earlier run) and returns once it reports ready. */
    public static SecondNode start() throws IOException, InterruptedException {
        return start(java.util.Map.of());
    }

    /** As {@link #start()}, with some settings of its own (e.g. {@code KETANG_GATEWAY_ACK_TIMEOUT_MS}). */
    public static SecondNode start(java.util.Map<String, String> settings) throws IOException, InterruptedException {
        SecondNode node = new SecondNode(settings);
        node.deleteSnapshots();
        node.boot();
        return node;
    }

    /** Starts this node again after a stop, keeping what it wrote to disk (its snapshot). */
    public void restart() throws IOException, InterruptedException {
        boot();
    }

    private void boot() throws IOException, InterruptedException {
        prepare();
        server("start");
        Awaitility.await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(
                () -> KetangHttp.get(uri(), "/health/ready").status() == 200);
    }

    private void deleteSnapshots() throws IOException {
        Path snapshots = serverDir.resolve("snapshots");
        if (Files.isDirectory(snapshots)) {
            try (var files = Files.list(snapshots)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    /** Kills the node's JVM outright (SIGKILL), as a crash or a pulled plug would. */
    public void kill() throws IOException {
        ProcessHandle jvm = jvm();
        jvm.destroyForcibly();
        try {
            jvm.onExit().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("node " + name + " did not die", e);
        }
    }

    /** Freezes the node's JVM (SIGSTOP), as a network stall or a long pause would: its sockets stay open, unserved. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** Lets a frozen node run again (SIGCONT). */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " failed");
        }
    }

    /** Whether the node's JVM is alive (it may be frozen). */
    public boolean running() {
        try {
            return jvm().isAlive();
        } catch (IOException | NumberFormatException noPid) {
            return false;
        }
    }

    /** The process id of the node's JVM. */
    public long pid() throws IOException {
        return jvm().pid();
    }

    private ProcessHandle jvm() throws IOException {
        Path pidFile = wlp.resolve("usr/servers/.pid").resolve(name + ".pid");
        long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
        return ProcessHandle.of(pid).orElseThrow(() -> new IOException("node " + name + " is not running"));
    }

    public URI uri() {
        return URI.create("http://localhost:" + port + "/");
    }

    /** Copies the WAR, the first test server's settings and its key pair (so tokens verify on both). */
    private void prepare() throws IOException {
        Path first = wlp.resolve("usr/servers").resolve(System.getProperty("ketang.it.server", "ketangIT"));
        if (!Files.isDirectory(serverDir)) {
            throw new IOException("no Liberty server " + serverDir + " (liberty:create runs in pre-integration-test)");
        }
        Files.createDirectories(serverDir.resolve("dropins"));
        Files.copy(Path.of("target", "ketang.war"), serverDir.resolve("dropins/ketang.war"), StandardCopyOption.REPLACE_EXISTING);
        Files.createDirectories(serverDir.resolve("resources/security"));
        Files.copy(first.resolve("resources/security/key.p12"), serverDir.resolve("resources/security/key.p12"),
                StandardCopyOption.REPLACE_EXISTING);
        List<String> env = new ArrayList<>();
        for (String line : Files.readAllLines(first.resolve("server.env"), StandardCharsets.UTF_8)) {
            String key = line.contains("=") ? line.substring(0, line.indexOf('=')) : line;
            if (key.equals("KETANG_GATEWAY_ALLOWED_ORIGINS")) {
                env.add("KETANG_GATEWAY_ALLOWED_ORIGINS=http://localhost:" + port + ",http://127.0.0.1:" + port);
            } else if (!settings.containsKey(key)) {
                env.add(line);
            }
        }
        settings.forEach((key, value) -> env.add(key + "=" + value));
        Files.write(serverDir.resolve("server.env"), env, StandardCharsets.UTF_8);
        DevServerConfig.install(serverDir);
    }

    /** Stops the node as a container platform or Ctrl-C would: SIGTERM to its JVM, then waits. */
    public void terminate() throws IOException {
        ProcessHandle jvm = jvm();
        jvm.destroy();
        try {
            jvm.onExit().get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            jvm.destroyForcibly();
            throw new IOException("node " + name + " did not stop on SIGTERM", e);
        }
    }

    /** Stops the node with Liberty's own command. */
    public void stop() throws IOException, InterruptedException {
        server("stop");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        stop();
    }

    private void server(String action) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(wlp.resolve("bin/server").toString(), action, name)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of("target", name + "-control.log").toFile()))
                .start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("server " + action + " " + name + " did not finish in time");
        }
    }
}

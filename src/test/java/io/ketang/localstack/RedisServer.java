package io.ketang.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import redis.clients.jedis.Jedis;
import redis.embedded.core.ExecutableProvider;

/**
 * A real redis-server (the binary shipped in the embedded-redis jar on Maven Central), run as a
 * child process on loopback with an append-only file under the stack's directory, so that the
 * rooms' seq counters and histories survive a restart as they would in production. One of a
 * {@link RedisCluster}'s nodes when the stack runs a cluster.
 */
final class RedisServer implements StackService {

    private final StackSettings settings;
    private final int port;
    private final boolean clusterNode;
    private final Path dir;
    private final ChildProcess process;

    /** The one Redis of the stack. */
    RedisServer(StackSettings settings) {
        this(settings, 0, false);
    }

    /** Node {@code index} (0-based) of a cluster, listening {@code index} above the stack's Redis port. */
    RedisServer(StackSettings settings, int index, boolean clusterNode) {
        this.settings = settings;
        this.port = settings.redisPort() + index;
        this.clusterNode = clusterNode;
        String suffix = index == 0 ? "" : "-" + (index + 1);
        this.dir = settings.dataDir().resolve("redis" + suffix);
        this.process = new ChildProcess("Redis" + (clusterNode ? " node " + (index + 1) : ""),
                settings.dataDir().resolve("redis" + suffix + ".pid"), "redis-server");
    }

    int port() {
        return port;
    }

    @Override
    public String name() {
        return "Redis on " + settings.host() + ":" + port;
    }

    @Override
    public void stopStale() {
        process.stopStale();
    }

    @Override
    public void start() throws IOException {
        stopStale();
        StackSettings.requireFree("Redis", settings.host(), port, "KETANG_LOCAL_REDIS_PORT");
        Files.createDirectories(dir);
        Path executable = ExecutableProvider.newJarResourceProvider().get().toPath();
        List<String> command = new java.util.ArrayList<>(List.of(executable.toString(),
                "--port", String.valueOf(port),
                "--bind", settings.host(),
                "--dir", dir.toString(),
                "--save", "",
                // an append-only file, so that a restarted Redis still has the rooms' seqs and histories
                "--appendonly", "yes",
                "--appendfsync", "everysec",
                "--daemonize", "no"));
        if (clusterNode) {
            // the node remembers its cluster in nodes.conf: a restarted node joins it again by itself
            command.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", "3000"));
        }
        process.start(command, dir.resolve("redis.log"), false);
        awaitReady(Duration.ofSeconds(20));
    }

    /** Kills the node with SIGKILL, as a crash would. */
    @Override
    public void kill() {
        process.kill();
    }

    @Override
    public void stop() {
        process.stop(Duration.ofSeconds(10));
    }

    @Override
    public boolean isRunning() {
        return process.isAlive();
    }

    private void awaitReady(Duration timeout) throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited during start; see " + dir.resolve("redis.log"));
            }
            try (Jedis jedis = new Jedis(settings.host(), port, 500)) {
                if ("PONG".equals(jedis.ping())) {
                    return;
                }
            } catch (RuntimeException notYet) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IOException("Redis not ready after " + timeout, notYet);
                }
                LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            }
        }
    }
}

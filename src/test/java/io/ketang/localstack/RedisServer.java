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
 * rooms' seq counters and histories survive a restart as they would in production.
 */
final class RedisServer implements StackService {

    private final StackSettings settings;
    private final Path dir;
    private final ChildProcess process;

    RedisServer(StackSettings settings) {
        this.settings = settings;
        this.dir = settings.dataDir().resolve("redis");
        this.process = new ChildProcess("Redis", settings.dataDir().resolve("redis.pid"), "redis-server");
    }

    @Override
    public String name() {
        return "Redis on " + settings.host() + ":" + settings.redisPort();
    }

    @Override
    public void stopStale() {
        process.stopStale();
    }

    @Override
    public void start() throws IOException {
        stopStale();
        StackSettings.requireFree("Redis", settings.host(), settings.redisPort(), "KETANG_LOCAL_REDIS_PORT");
        Files.createDirectories(dir);
        Path executable = ExecutableProvider.newJarResourceProvider().get().toPath();
        process.start(List.of(executable.toString(),
                "--port", String.valueOf(settings.redisPort()),
                "--bind", settings.host(),
                "--dir", dir.toString(),
                "--save", "",
                // an append-only file, so that a restarted Redis still has the rooms' seqs and histories
                "--appendonly", "yes",
                "--appendfsync", "everysec",
                "--daemonize", "no"), dir.resolve("redis.log"), false);
        awaitReady(Duration.ofSeconds(20));
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
            try (Jedis jedis = new Jedis(settings.host(), settings.redisPort(), 500)) {
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

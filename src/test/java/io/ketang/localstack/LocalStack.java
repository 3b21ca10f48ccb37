package io.ketang.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

import io.ketang.platform.kafka.TopicPlan;
import io.ketang.platform.kafka.TopicProvisioner;

/**
 * Ketang's local stack: real Kafka (KRaft; one broker, or three in production's shape), Redis and PostgreSQL on fixed loopback ports
 * with their data under one directory. It serves the run command and the integration tests, and
 * stops everything it started when closed or when the JVM exits.
 */
public final class LocalStack implements AutoCloseable {

    private final StackSettings settings;
    private final KafkaCluster kafka;
    private final StackService redis;
    private final PostgresServer postgres;
    private final List<StackService> started = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::close, "ketang-localstack-stop");

    private LocalStack(StackSettings settings) {
        this.settings = settings;
        this.kafka = new KafkaCluster(settings);
        this.redis = settings.redisCluster() ? new RedisCluster(settings) : new RedisServer(settings);
        this.postgres = new PostgresServer(settings);
    }

    /**
     * Starts the stack.
     *
     * @param defaultDataDir where data lives unless {@code ketang.local.dir} says otherwise
     * @param fresh          wipe the data of earlier runs first (tests), or keep it (the run command)
     * @param progress       told about each step, for a person watching
     */
    public static LocalStack start(Path defaultDataDir, boolean fresh, Consumer<String> progress) throws IOException {
        LocalStack stack = new LocalStack(StackSettings.fromEnvironment(defaultDataDir));
        Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
        try {
            stack.startAll(fresh, progress);
        } catch (IOException | RuntimeException e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    private void startAll(boolean fresh, Consumer<String> progress) throws IOException {
        // stale servers first: they may hold files in the directory we are about to wipe
        for (StackService service : List.of(kafka, redis, postgres)) {
            service.stopStale();
        }
        if (fresh) {
            deleteTree(settings.dataDir());
        }
        Files.createDirectories(settings.dataDir());
        for (StackService service : List.of(postgres, redis, kafka)) {
            Instant begin = Instant.now();
            progress.accept("starting " + service.name() + " …");
            service.start();
            started.add(service);
            progress.accept(service.name() + " is up (" + Duration.between(begin, Instant.now()).toMillis() + " ms)");
        }
        createTopics(progress);
    }

    /** Creates Ketang's topics with the partition counts its own configuration computes. */
    private void createTopics(Consumer<String> progress) throws IOException {
        Properties appConfig = ketangConfiguration();
        Map<String, String> stackEnvironment = settings.ketangEnvironment();
        // as Ketang will see its settings: what the stack tells it (replication), then the environment, then its defaults
        var topics = TopicPlan.from(key -> {
            String variable = key.toUpperCase().replace('.', '_').replace('-', '_');
            return Optional.ofNullable(stackEnvironment.get(variable))
                    .or(() -> Optional.ofNullable(System.getenv(variable)))
                    .or(() -> Optional.ofNullable(appConfig.getProperty(key)));
        });
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrap()))) {
            var created = TopicProvisioner.ensure(admin, topics, 30_000);
            progress.accept("Kafka topics: " + topics.stream()
                    .map(t -> t.name() + "×" + t.partitions() + (t.replicationFactor() > 1 ? "×" + t.replicationFactor() + " replicas" : "")
                            + (created.contains(t.name()) ? " (new)" : ""))
                    .toList());
        } catch (Exception e) {
            throw new IOException("cannot create Kafka topics", e);
        }
    }

    private static Properties ketangConfiguration() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = LocalStack.class.getResourceAsStream("/META-INF/microprofile-config.properties")) {
            if (in != null) {
                properties.load(in);
            }
        }
        return properties;
    }

    /** Every Kafka broker of the stack, as one server. */
    public StackService kafka() {
        return kafka;
    }

    /** One Kafka broker, by node id (1 to {@link #kafkaBrokers}). */
    public StackService kafkaBroker(int nodeId) {
        return kafka.broker(nodeId);
    }

    public int kafkaBrokers() {
        return settings.kafkaBrokers();
    }

    /** Redis: the one server, or every node of the cluster as one. */
    public StackService redis() {
        return redis;
    }

    /** Whether Redis is a cluster of three masters ({@code ketang.local.redis.cluster=true}). */
    public boolean redisCluster() {
        return settings.redisCluster();
    }

    /** One node of the Redis Cluster (0-based), to kill it. */
    public StackService redisNode(int index) {
        if (!(redis instanceof RedisCluster cluster)) {
            throw new IllegalStateException("Redis is not a cluster here (ketang.local.redis.cluster=true)");
        }
        return cluster.node(index);
    }

    /** The port of Redis Cluster node {@code index} (0-based). */
    public int redisNodePort(int index) {
        return ((RedisCluster) redis).node(index).port();
    }

    /** A client of this stack's Redis, cluster or not, for tests that look at keys; the caller closes it. */
    public UnifiedJedis redisClient() {
        if (settings.redisCluster()) {
            return RedisClusterClient.builder()
                    .nodes(java.util.Set.of(new HostAndPort(settings.host(), settings.redisPort())))
                    .build();
        }
        return RedisClient.create(java.net.URI.create(settings.redisUrl()));
    }

    public StackService postgres() {
        return postgres;
    }

    /** Environment variables that point Ketang at this stack. */
    public Map<String, String> ketangEnvironment() {
        return settings.ketangEnvironment();
    }

    public String kafkaBootstrap() {
        return settings.kafkaBootstrap();
    }

    public String jdbcUrl() {
        return settings.jdbcUrl();
    }

    public String redisUrl() {
        return settings.redisUrl();
    }

    @Override
    public synchronized void close() {
        RuntimeException failure = null;
        // reverse order of start; each stop is bounded, and one failing does not keep the others up
        for (StackService service : List.of(kafka, redis, postgres)) {
            try {
                service.stop();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        started.clear();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // we are the hook
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}

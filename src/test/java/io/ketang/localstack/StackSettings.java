package io.ketang.localstack;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the local stack listens and keeps its data. Every value can be overridden by a
 * system property ({@code ketang.local.redis.port}) or an environment variable
 * ({@code KETANG_LOCAL_REDIS_PORT}); the defaults stay clear of the usual ports of a Kafka,
 * Redis or PostgreSQL that may already run on the machine.
 */
record StackSettings(Path dataDir, String host, int kafkaPort, int kafkaControllerPort, int kafkaBrokers, int redisPort,
                     boolean redisCluster, int postgresPort, String database) {

    /** The local database's owner; a development credential, never used outside the local stack. */
    static final String DB_USER = "ketang";
    static final String DB_PASSWORD = "ketang";

    static StackSettings fromEnvironment(Path defaultDataDir) {
        return new StackSettings(
                Path.of(setting("ketang.local.dir", defaultDataDir.toString())).toAbsolutePath(),
                "127.0.0.1",
                Integer.parseInt(setting("ketang.local.kafka.port", "19092")),
                Integer.parseInt(setting("ketang.local.kafka.controller.port", "19093")),
                // 1 for the run command; 3 is production's shape (replication 3, two in sync)
                Integer.parseInt(setting("ketang.local.kafka.brokers", "1")),
                Integer.parseInt(setting("ketang.local.redis.port", "16379")),
                // false: one Redis; true: a Redis Cluster of three masters on that port and the next two
                Boolean.parseBoolean(setting("ketang.local.redis.cluster", "false")),
                Integer.parseInt(setting("ketang.local.postgres.port", "15432")),
                "ketang");
    }

    private static String setting(String name, String fallback) {
        String value = System.getProperty(name);
        if (value == null) {
            value = System.getenv(name.toUpperCase(Locale.ROOT).replace('.', '_'));
        }
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Broker {@code index} (0-based) listens on the base port plus twice its index, its controller one above. */
    int kafkaPort(int index) {
        return kafkaPort + 2 * index;
    }

    int kafkaControllerPort(int index) {
        return kafkaControllerPort + 2 * index;
    }

    String kafkaBootstrap() {
        return java.util.stream.IntStream.range(0, kafkaBrokers).mapToObj(i -> host + ":" + kafkaPort(i))
                .collect(java.util.stream.Collectors.joining(","));
    }

    /** Replicas of every topic: one per broker, at most three. */
    int kafkaReplicationFactor() {
        return Math.min(3, kafkaBrokers);
    }

    /** Replicas that must have a write before it counts: two when there are three. */
    int kafkaMinInsyncReplicas() {
        return Math.min(2, kafkaReplicationFactor());
    }

    String redisUrl() {
        if (redisCluster) {
            return "redis-cluster://" + java.util.stream.IntStream.range(0, RedisCluster.NODES)
                    .mapToObj(i -> host + ":" + (redisPort + i)).collect(java.util.stream.Collectors.joining(","));
        }
        return "redis://" + host + ":" + redisPort;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + postgresPort + "/" + database;
    }

    /** What Ketang itself needs to be told to use this stack, as environment variables. */
    java.util.Map<String, String> ketangEnvironment() {
        return java.util.Map.of(
                "KETANG_KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrap(),
                "KETANG_KAFKA_REPLICATION_FACTOR", String.valueOf(kafkaReplicationFactor()),
                "KETANG_KAFKA_MIN_INSYNC_REPLICAS", String.valueOf(kafkaMinInsyncReplicas()),
                "KETANG_REDIS_URL", redisUrl(),
                "KETANG_DB_URL", jdbcUrl(),
                "KETANG_DB_USER", DB_USER,
                "KETANG_DB_PASSWORD", DB_PASSWORD);
    }

    /**
     * Fails when something else already listens on the port: a server of another run (or another
     * program) would otherwise be taken for ours. Call after stopping our own stale copy.
     */
    static void requireFree(String what, String host, int port, String setting) throws java.io.IOException {
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(host, port));
        } catch (java.io.IOException taken) {
            throw new java.io.IOException(what + ": port " + port + " on " + host + " is in use by another process"
                    + " (stop it, or choose another port with " + setting + ")", taken);
        }
    }
}

package io.ketang.platform.redis;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import redis.clients.jedis.Connection;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The one pooled Redis client of this node, for one Redis or a Redis Cluster (as
 * {@code ketang.redis.url} says). Every wait on it is bounded by
 * {@code ketang.redis.timeout-ms}, so a Redis that goes away makes callers fail fast instead of
 * hanging a WebSocket thread.
 */
@ApplicationScoped
public class RedisProducer {

    private UnifiedJedis client;

    protected RedisProducer() {
    }

    @Inject
    public RedisProducer(@ConfigProperty(name = "ketang.redis.url") String url,
                         @ConfigProperty(name = "ketang.redis.timeout-ms", defaultValue = "2000") int timeoutMs,
                         @ConfigProperty(name = "ketang.redis.pool.max", defaultValue = "64") int poolMax) {
        RedisSettings settings = RedisSettings.parse(url, timeoutMs);
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(poolMax);
        pool.setMaxIdle(poolMax);
        pool.setMinIdle(0);
        pool.setMaxWait(java.time.Duration.ofMillis(timeoutMs));
        pool.setTestWhileIdle(true);
        pool.setJmxEnabled(false);
        // a pool per node for a cluster: each key goes to the node that holds its hash slot
        this.client = settings.cluster()
                ? RedisClusterClient.builder()
                        .nodes(settings.nodes())
                        .clientConfig(settings.clientConfig())
                        .poolConfig(pool)
                        .maxTotalRetriesDuration(java.time.Duration.ofMillis(timeoutMs))
                        .build()
                : RedisClient.builder()
                        .hostAndPort(settings.address())
                        .clientConfig(settings.clientConfig())
                        .poolConfig(pool)
                        .build();
    }

    /** The shared client; it is thread-safe, and closed with this bean. */
    @Produces
    UnifiedJedis redis() {
        return client;
    }

    @PreDestroy
    void close() {
        client.close();
    }
}

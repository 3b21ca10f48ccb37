package io.ketang.localstack;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import redis.clients.jedis.Jedis;

/**
 * The local stack's Redis as a Redis Cluster of three masters ({@code ketang.local.redis.cluster=true}),
 * production's shape: the 16,384 hash slots split in three, so a room's keys, a business's and
 * the cluster-wide ones live on different nodes, and a command or script naming keys of two
 * slots is refused as it would be in production. On the first start the nodes are given their
 * slots and introduced to each other; after that each node's {@code nodes.conf} brings the
 * cluster back by itself.
 */
final class RedisCluster implements StackService {

    static final int NODES = 3;
    private static final int SLOTS = 16_384;

    private final StackSettings settings;
    private final List<RedisServer> nodes = new ArrayList<>();

    RedisCluster(StackSettings settings) {
        this.settings = settings;
        for (int i = 0; i < NODES; i++) {
            nodes.add(new RedisServer(settings, i, true));
        }
    }

    /** Node {@code index} (0-based). */
    RedisServer node(int index) {
        return nodes.get(index);
    }

    @Override
    public String name() {
        return "Redis Cluster, " + NODES + " masters on " + settings.host() + ":" + settings.redisPort() + "-"
                + (settings.redisPort() + NODES - 1);
    }

    @Override
    public void start() throws IOException {
        for (RedisServer node : nodes) {
            node.start();
        }
        try (Jedis first = jedis(nodes.get(0))) {
            if (first.clusterInfo().contains("cluster_slots_assigned:0")) {
                form();
            }
        }
        awaitHealthy(Duration.ofSeconds(60));
    }

    /** Gives each node a third of the slots and introduces the others to the first. */
    private void form() {
        for (int i = 0; i < NODES; i++) {
            int from = i * SLOTS / NODES;
            int to = (i + 1) * SLOTS / NODES;
            int[] slots = new int[to - from];
            for (int s = from; s < to; s++) {
                slots[s - from] = s;
            }
            try (Jedis node = jedis(nodes.get(i))) {
                node.clusterAddSlots(slots);
            }
        }
        try (Jedis first = jedis(nodes.get(0))) {
            for (int i = 1; i < NODES; i++) {
                first.clusterMeet(settings.host(), nodes.get(i).port());
            }
        }
    }

    /** Waits until every node sees the cluster as ok: all slots served, every node known. */
    private void awaitHealthy(Duration timeout) throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            boolean ok = true;
            for (RedisServer node : nodes) {
                try (Jedis jedis = jedis(node)) {
                    String info = jedis.clusterInfo();
                    ok &= info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + NODES);
                } catch (RuntimeException notYet) {
                    ok = false;
                }
            }
            if (ok) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IOException(name() + " not healthy after " + timeout + "; see the nodes' redis.log");
            }
            // the nodes gossip about each other: ask again shortly
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
    }

    private Jedis jedis(RedisServer node) {
        return new Jedis(settings.host(), node.port(), 2000);
    }

    @Override
    public void stop() {
        nodes.forEach(RedisServer::stop);
    }

    @Override
    public boolean isRunning() {
        return nodes.stream().allMatch(RedisServer::isRunning);
    }

    @Override
    public void stopStale() {
        nodes.forEach(RedisServer::stopStale);
    }
}

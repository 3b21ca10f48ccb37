package io.ketang.gateway;

import java.util.function.Consumer;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import redis.clients.jedis.UnifiedJedis;

import io.ketang.platform.Node;
import io.ketang.platform.redis.RedisSubscription;

/**
 * Notices from other nodes to this one, over a Redis channel of its own
 * ({@code ketang:node:<node id>}): today, "close this session, a newer login replaced it". Pub/sub
 * delivers at most once; a notice lost while Redis is away is made good by the session's next
 * heartbeat, which finds its registry entry taken and closes it.
 */
@ApplicationScoped
class NodeChannel {

    private static final String REPLACE = "replace ";

    @Inject
    UnifiedJedis redis;

    @Inject
    Node node;

    @Resource
    ManagedThreadFactory threads;

    private RedisSubscription subscription;

    /** Starts listening; {@code onReplaced} gets the id of each local session to close. */
    void listen(Consumer<String> onReplaced) {
        subscription = RedisSubscription.start(redis, threads, "ketang-node-channel", channel(node.id()), (ch, message) -> {
            if (message.startsWith(REPLACE)) {
                onReplaced.accept(message.substring(REPLACE.length()));
            }
        });
    }

    /** Asks another node to close one of its sessions. */
    void replace(String otherNode, String session) {
        redis.publish(channel(otherNode), REPLACE + session);
    }

    @PreDestroy
    void stop() {
        if (subscription != null) {
            subscription.stop();
        }
    }

    private static String channel(String nodeId) {
        return "ketang:node:" + nodeId;
    }
}
